// kappa-console: the operations console for a running kappad.
#include "app/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("kappa-console"));
    QApplication::setOrganizationName(QStringLiteral("Kappa"));

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
                                  QApplication::translate("main",
                                                          "The page to show first: overview or replays."),
                                  QStringLiteral("PAGE"), QStringLiteral("overview"));
    parser.addOption(page);
    parser.addOption(url);
    parser.addOption(tokenFile);
    parser.addOption(screenshot);
    parser.addOption(screenshotAfter);
    parser.process(app);

    kappa::console::MainWindow window;
    if (!window.showPage(parser.value(page))) {
        qCritical("kappa-console: no page '%s' (overview, replays)", qPrintable(parser.value(page)));
        return 2;
    }
    window.resize(1100, 600);
    window.show();
    if (parser.isSet(url))
        window.connectTo(QUrl(parser.value(url)), parser.value(tokenFile));
    if (parser.isSet(screenshot)) {
        QTimer::singleShot(parser.value(screenshotAfter).toInt(), &window, [&] {
            const bool saved = window.grab().save(parser.value(screenshot));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return QApplication::exec();
}
