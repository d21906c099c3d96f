// RecentConnections: newest first, one entry per URL, at most ten, kept in
// the settings file between runs.
#include "app/recent_connections.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace kappa::console;

class TestRecentConnections : public QObject
{
    Q_OBJECT

private slots:
    void newestFirstOncePerUrl()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("console.ini");
        {
            QSettings settings(file, QSettings::IniFormat);
            RecentConnections recent(settings);
            QVERIFY(recent.list().isEmpty());
            recent.remember({QUrl("http://127.0.0.1:8470"), "/demo/operator.token", QString()});
            recent.remember({QUrl("https://kappa.example:8470"), QString(), QString()});
            recent.remember({QUrl("http://127.0.0.1:8470"), "/demo/approver.token", QString()});
        }
        QSettings settings(file, QSettings::IniFormat); // as the next run reads it
        const QList<Connection> list = RecentConnections(settings).list();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0], (Connection{QUrl("http://127.0.0.1:8470"), "/demo/approver.token", QString()}));
        QCOMPARE(list[1].url, QUrl("https://kappa.example:8470"));
        QVERIFY(list[1].tokenFile.isEmpty());
    }

    void aTokenOnlyWhenAsked()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("console.ini");
        {
            QSettings settings(file, QSettings::IniFormat);
            RecentConnections recent(settings);
            recent.remember({QUrl("http://a.example:8470"), QString(), "secret-a"});
            recent.remember({QUrl("http://b.example:8470"), "/demo/operator.token", QString()});
        }
        QFile ini(file);
        QVERIFY(ini.open(QIODevice::ReadOnly));
        const QByteArray text = ini.readAll();
        QCOMPARE(text.count("token="), 1); // b's token was not asked to be kept
        QSettings settings(file, QSettings::IniFormat);
        const QList<Connection> list = RecentConnections(settings).list();
        QCOMPARE(list[0].token, QString());
        QCOMPARE(list[1].token, QStringLiteral("secret-a"));
    }

    void keepsTheLastTen()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("console.ini"), QSettings::IniFormat);
        RecentConnections recent(settings);
        for (int port = 9000; port < 9015; ++port)
            recent.remember({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), QString(), QString()});
        const QList<Connection> list = recent.list();
        QCOMPARE(list.size(), RecentConnections::kMaxRemembered);
        QCOMPARE(list.first().url.port(), 9014);
        QCOMPARE(list.last().url.port(), 9005);
    }
};

QTEST_APPLESS_MAIN(TestRecentConnections)
#include "test_recent_connections.moc"
