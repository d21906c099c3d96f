// translations/kappa_de.ts: every message of the console is translated, with
// the same placeholders and an accelerator where the English has one, and
// lupdate over today's console sources finds nothing that is not in it.
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Message
{
    QString context;
    QString source;
    QString translation;
    QString type; // unfinished, vanished, obsolete; empty when done
};

// A translation is text, or (for a plural, %n) one <numerusform> per form:
// each form is a message of its own, so that each is checked.
void readTranslation(QXmlStreamReader &xml, Message message, QList<Message> &out)
{
    message.type = xml.attributes().value(QLatin1String("type")).toString();
    QString text;
    bool plural = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isEndElement() && xml.name() == QLatin1String("translation"))
            break;
        if (xml.isStartElement() && xml.name() == QLatin1String("numerusform")) {
            plural = true;
            message.translation = xml.readElementText();
            out.append(message);
        } else if (xml.isCharacters()) {
            text += xml.text();
        }
    }
    if (!plural) {
        message.translation = text;
        out.append(message);
    }
}

QList<Message> readTs(const QString &path)
{
    QList<Message> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    QXmlStreamReader xml(&file);
    QString context;
    Message message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name"))
            context = xml.readElementText();
        else if (xml.name() == QLatin1String("source"))
            message = Message{context, xml.readElementText(), {}, {}};
        else if (xml.name() == QLatin1String("translation"))
            readTranslation(xml, message, out);
    }
    if (xml.hasError())
        qFatal("%s: %s", qPrintable(path), qPrintable(xml.errorString()));
    return out;
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression kPlaceholder(QStringLiteral("%\\d"));
    QStringList out;
    for (const QRegularExpressionMatch &match : kPlaceholder.globalMatch(text))
        out << match.captured();
    out.sort();
    return out;
}

QString sourceDir()
{
    return qEnvironmentVariable("KAPPA_SOURCE_DIR");
}

} // namespace

class TestConsoleTranslations : public QObject
{
    Q_OBJECT

private slots:
    void germanIsComplete()
    {
        const QList<Message> messages = readTs(sourceDir() + "/translations/kappa_de.ts");
        QVERIFY(messages.size() > 50);
        for (const Message &m : messages) {
            const QString where = m.context + ": \"" + m.source + "\"";
            QVERIFY2(m.type.isEmpty(), qPrintable(where + " is " + m.type));
            QVERIFY2(!m.translation.isEmpty(), qPrintable(where + " has no translation"));
            QVERIFY2(placeholders(m.source) == placeholders(m.translation),
                     qPrintable(where + " and its translation have different placeholders"));
            QVERIFY2(m.source.contains('&') == m.translation.contains('&'),
                     qPrintable(where + ": the accelerator (&) is missing on one side"));
        }
    }

    void germanIsCurrent()
    {
        QTemporaryDir dir;
        const QString ts = dir.filePath("kappa_de.ts");
        QVERIFY(QFile::copy(sourceDir() + "/translations/kappa_de.ts", ts));
        QStringList args{"-I", sourceDir() + "/console/src", "-no-obsolete", "-locations", "none"};
        QDirIterator it(sourceDir() + "/console/src", {"*.cpp", "*.h"}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            args << it.next();
        args << "-ts" << ts;
        QProcess lupdate;
        lupdate.start(QStringLiteral(LUPDATE_PATH), args);
        QVERIFY(lupdate.waitForFinished(60000));
        QCOMPARE(lupdate.exitCode(), 0);
        QStringList fresh;
        for (const Message &m : readTs(ts))
            if (!m.type.isEmpty())
                fresh << m.context + ": \"" + m.source + "\"";
        QVERIFY2(fresh.isEmpty(),
                 qPrintable("not in translations/kappa_de.ts (run the update_translations target "
                            "and translate): "
                            + fresh.join("; ")));
    }
};

QTEST_APPLESS_MAIN(TestConsoleTranslations)
#include "test_console_translations.moc"
