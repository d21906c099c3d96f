// kappa-console: the operations console for a running kappad.
#include "app/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QPointer>
#include <QTimer>
#include <QTranslator>
#include <QWizard>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("kappa-console"));
    QApplication::setOrganizationName(QStringLiteral("Kappa"));

    // The language is chosen before any window exists: --language wins over the system's.
    QString language = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (arg == QLatin1String("--language") && i + 1 < argc)
            language = QString::fromLocal8Bit(argv[i + 1]);
        else if (arg.startsWith(QLatin1String("--language=")))
            language = arg.section(QLatin1Char('='), 1);
    }
    QTranslator translator;
    QTranslator qtTranslator; // Qt's own strings: the wizards' Back, Next, Cancel, the file dialog
    if (language != QLatin1String("en")
        && translator.load(QStringLiteral(":/i18n/kappa_%1.qm").arg(language))) {
        QApplication::installTranslator(&translator);
        if (qtTranslator.load(QStringLiteral("qtbase_") + language,
                              QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QApplication::installTranslator(&qtTranslator);
        QLocale::setDefault(QLocale(language)); // numbers as the language writes them
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "The Kappa operations console."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"),
                                 QApplication::translate("main", "kappad to connect to."),
                                 QStringLiteral("URL"));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"),
                                       QApplication::translate("main", "File holding the bearer token."),
                                       QStringLiteral("FILE"));
    // For the README's screenshots (packaging/screenshots.sh runs it under Xvfb).
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main",
                                                                "Save a picture of the window to FILE after "
                                                                "--screenshot-after ms, then quit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption screenshotAfter(QStringLiteral("screenshot-after"),
                                             QApplication::translate("main", "Delay before --screenshot."),
                                             QStringLiteral("MS"), QStringLiteral("3000"));
    const QCommandLineOption page(QStringLiteral("page"),
                                  QApplication::translate("main", "The page to show first: %1.")
                                      .arg(
                                          kappa::console::MainWindow::pageNames().join(QStringLiteral(", "))),
                                  QStringLiteral("PAGE"), QStringLiteral("overview"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main",
                                                          "Start kappad --demo on a temporary directory and "
                                                          "connect to it (instead of --url)."));
    const QCommandLineOption
        languageOption(QStringLiteral("language"),
                       QApplication::translate("main", "The language: en or de (default: the system's)."),
                       QStringLiteral("LANG"));
    parser.addOption(page);
    parser.addOption(languageOption);
    parser.addOption(url);
    parser.addOption(demo);
    const QCommandLineOption wizard(QStringLiteral("wizard"),
                                    QApplication::translate("main", "Open a wizard once connected: %1.")
                                        .arg(kappa::console::MainWindow::wizardNames().join(
                                            QStringLiteral(", "))),
                                    QStringLiteral("WIZARD"));
    parser.addOption(wizard);
    parser.addOption(tokenFile);
    parser.addOption(screenshot);
    parser.addOption(screenshotAfter);
    parser.process(app);

    const QStringList languages{QStringLiteral("en"), QStringLiteral("de")};
    if (parser.isSet(languageOption) && !languages.contains(parser.value(languageOption))) {
        qCritical("kappa-console: no language '%s' (en, de)", qPrintable(parser.value(languageOption)));
        return 2;
    }

    kappa::console::MainWindow window;
    if (!window.showPage(parser.value(page))) {
        qCritical("kappa-console: no page '%s' (%s)", qPrintable(parser.value(page)),
                  qPrintable(kappa::console::MainWindow::pageNames().join(QStringLiteral(", "))));
        return 2;
    }
    window.show();
    if (parser.isSet(wizard) && !kappa::console::MainWindow::wizardNames().contains(parser.value(wizard))) {
        qCritical("kappa-console: no wizard '%s' (%s)", qPrintable(parser.value(wizard)),
                  qPrintable(kappa::console::MainWindow::wizardNames().join(QStringLiteral(", "))));
        return 2;
    }
    if (parser.isSet(demo) && parser.isSet(url)) {
        qCritical("kappa-console: --demo and --url exclude each other");
        return 2;
    }
    if (parser.isSet(demo))
        window.startLocalDemo();
    else if (parser.isSet(url))
        window.connectTo(QUrl(parser.value(url)), parser.value(tokenFile));
    QPointer<QWizard> opened;
    if (parser.isSet(wizard))
        QObject::connect(&window, &kappa::console::MainWindow::connectionEstablished, &window,
                         [&] { opened = window.openWizard(parser.value(wizard)); });
    if (parser.isSet(screenshot)) {
        QTimer::singleShot(parser.value(screenshotAfter).toInt(), &window, [&] {
            QWidget *shown = opened ? static_cast<QWidget *>(opened) : &window;
            const bool saved = shown->grab().save(parser.value(screenshot));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return QApplication::exec();
}
