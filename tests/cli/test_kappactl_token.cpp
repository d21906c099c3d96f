// kappactl token add | list | revoke as a user runs them: the real binary in
// temporary data directories (with no event log). The token is printed once
// and appears nowhere else: not in list, not in the file; every mistake has
// its documented exit code.
#include "kappactl_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

// Adds a token and returns it (empty on failure, with the reason logged).
QByteArray addToken(const QString &dataDir, const QString &name, const QString &role,
                    const QStringList &extra = {})
{
    const Run add = kappactl(dataDir, QStringList{"token", "add", name, "--role", role} + extra);
    if (add.exitCode != 0) {
        qWarning("token add failed (%d): %s", add.exitCode, add.err.constData());
        return {};
    }
    return add.out.trimmed();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestKappactlToken : public QObject
{
    Q_OBJECT

private slots:
    void addListRevoke()
    {
        QTemporaryDir tmp;
        const QString dataDir = tmp.path() + "/data"; // does not exist yet: add creates it
        const Run add = kappactl(dataDir, {"token", "add", "ci-bot", "--role", "operator"});
        QCOMPARE(add.exitCode, 0);
        // stdout is exactly one line: the token.
        QVERIFY2(QRegularExpression("^kappa_[A-Za-z0-9_-]{43}\n$")
                     .match(QString::fromLatin1(add.out))
                     .hasMatch(),
                 add.out.constData());
        const QByteArray token = add.out.trimmed();
        QVERIFY(add.err.contains("only"));
        QVERIFY(!add.err.contains(token));

        const QString tokenFile = dataDir + "/tokens.json";
        QVERIFY(QFile::exists(tokenFile));
        QVERIFY(!QDir(dataDir).exists("log")); // token commands need no log and make none
        QVERIFY(!readFile(tokenFile).contains(token));
        QCOMPARE(QFile::permissions(tokenFile) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());

        QVERIFY(!addToken(dataDir, "alice", "admin").isEmpty());

        const Run list = kappactl(dataDir, {"token", "list"});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains("ci-bot"));
        QVERIFY(list.out.contains("operator"));
        QVERIFY(list.out.contains("alice"));
        QVERIFY(list.out.contains("admin"));
        QVERIFY(!list.out.contains(token));
        QVERIFY(!list.out.contains("sha256"));
        QVERIFY(QRegularExpression("ci-bot +operator +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")
                    .match(QString::fromUtf8(list.out))
                    .hasMatch());

        const Run json = kappactl(dataDir, {"token", "list", "--json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonArray entries = QJsonDocument::fromJson(json.out).array();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries[0].toObject()["name"].toString(), QStringLiteral("alice")); // sorted by name
        QCOMPARE(entries[1].toObject()["name"].toString(), QStringLiteral("ci-bot"));
        QCOMPARE(entries[1].toObject()["role"].toString(), QStringLiteral("operator"));
        QVERIFY(entries[1].toObject()["created"].toString().endsWith('Z'));
        QVERIFY(entries[1].toObject()["created_ms"].toDouble() > 1.6e12);
        QVERIFY(!entries[1].toObject().contains("sha256"));

        const Run revoke = kappactl(dataDir, {"token", "revoke", "ci-bot"});
        QCOMPARE(revoke.exitCode, 0);
        const Run after = kappactl(dataDir, {"token", "list"});
        QCOMPARE(after.exitCode, 0);
        QVERIFY(!after.out.contains("ci-bot"));
        QVERIFY(after.out.contains("alice"));
    }

    void tokenFileOption()
    {
        QTemporaryDir tmp;
        const QString file = tmp.path() + "/elsewhere/service-tokens.json";
        const QString dataDir = tmp.path() + "/data";
        QVERIFY(!addToken(dataDir, "ops", "approver", {"--token-file", file}).isEmpty());
        QVERIFY(QFile::exists(file));
        QVERIFY(!QFile::exists(dataDir + "/tokens.json"));
        const Run list = kappactl(dataDir, {"token", "list", "--token-file", file});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains("ops"));
        QVERIFY(list.out.contains("approver"));
        QCOMPARE(kappactl(dataDir, {"token", "revoke", "ops", "--token-file", file}).exitCode, 0);
    }

    void listOfNoFileIsEmpty()
    {
        QTemporaryDir tmp;
        const Run list = kappactl(tmp.path(), {"token", "list", "--json"});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(list.out.trimmed(), QByteArray("[]"));
    }

    void exitCodes()
    {
        QTemporaryDir tmp;
        const QString dataDir = tmp.path();
        QVERIFY(!addToken(dataDir, "ci", "viewer").isEmpty());
        const QByteArray before = readFile(dataDir + "/tokens.json");

        const Run duplicate = kappactl(dataDir, {"token", "add", "ci", "--role", "admin"});
        QCOMPARE(duplicate.exitCode, 4);
        QVERIFY(duplicate.out.isEmpty());
        QVERIFY(duplicate.err.contains("ci"));

        const Run unknown = kappactl(dataDir, {"token", "revoke", "nobody"});
        QCOMPARE(unknown.exitCode, 3);
        QVERIFY(unknown.err.contains("nobody"));

        const Run badRole = kappactl(dataDir, {"token", "add", "x", "--role", "root"});
        QCOMPARE(badRole.exitCode, 2);
        QVERIFY(badRole.err.contains("viewer, operator, approver, admin"));
        QVERIFY(badRole.out.isEmpty());

        const Run badName = kappactl(dataDir, {"token", "add", "a b", "--role", "viewer"});
        QCOMPARE(badName.exitCode, 2);

        const Run noRole = kappactl(dataDir, {"token", "add", "y"});
        QCOMPARE(noRole.exitCode, 2);

        QCOMPARE(readFile(dataDir + "/tokens.json"), before); // no failed command changed the file
    }

    void corruptFileIsReported()
    {
        QTemporaryDir tmp;
        const QString path = tmp.path() + "/tokens.json";
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\": 7, \"tokens\": []}");
        file.close();
        const Run list = kappactl(tmp.path(), {"token", "list"});
        QCOMPARE(list.exitCode, 5);
        QVERIFY(list.err.contains("tokens.json"));
        const Run add = kappactl(tmp.path(), {"token", "add", "a", "--role", "viewer"});
        QCOMPARE(add.exitCode, 5);
        QVERIFY(add.out.isEmpty());
        QCOMPARE(readFile(path), QByteArray("{\"format\": 7, \"tokens\": []}"));
    }
};

QTEST_APPLESS_MAIN(TestKappactlToken)
#include "test_kappactl_token.moc"
