// TokenStore: tokens round-trip through a real file in a temporary directory,
// only hashes reach the disk, every wrong token fails, bad input and broken
// files are reported (and never overwrite or replace good tokens), reload
// sees other writers, and the file stays private.
#include "service/token_store.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include <sys/stat.h>

using namespace kappa;
using namespace kappa::service;

namespace {

std::string tokenPath(const QTemporaryDir &dir)
{
    return (dir.path() + QStringLiteral("/tokens.json")).toStdString();
}

std::unique_ptr<TokenStore> openOrFail(const std::string &path)
{
    Result<std::unique_ptr<TokenStore>> store = TokenStore::open(path);
    if (!store.isOk())
        qWarning("open failed: %s", store.status().toString().c_str());
    return store.isOk() ? std::move(store).value() : nullptr;
}

QByteArray readAll(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void writeAll(const std::string &path, const QByteArray &data)
{
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

} // namespace

class TestTokenStore : public QObject
{
    Q_OBJECT

private slots:
    void roles()
    {
        QVERIFY(roleAllows(Role::Admin, Role::Viewer));
        QVERIFY(roleAllows(Role::Approver, Role::Operator));
        QVERIFY(roleAllows(Role::Operator, Role::Operator));
        QVERIFY(!roleAllows(Role::Viewer, Role::Operator));
        QVERIFY(!roleAllows(Role::Operator, Role::Approver));
        QVERIFY(!roleAllows(Role::Approver, Role::Admin));
        for (Role role : {Role::Viewer, Role::Operator, Role::Approver, Role::Admin}) {
            Result<Role> parsed = parseRole(roleName(role));
            QVERIFY(parsed.isOk());
            QCOMPARE(*parsed, role);
        }
        Result<Role> bad = parseRole("root");
        QCOMPARE(bad.status().code(), StatusCode::InvalidArgument);
        QVERIFY(bad.status().message().find("viewer, operator, approver, admin") != std::string::npos);
        QCOMPARE(parseRole("Admin").status().code(), StatusCode::InvalidArgument);
    }

    void roundTrip()
    {
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto store = openOrFail(path);
        QVERIFY(store);
        QVERIFY(store->list().empty());
        QVERIFY(!QFile::exists(QString::fromStdString(path))); // created by the first add only

        Result<std::string> ci = store->add("ci-bot", Role::Operator, 1000);
        QVERIFY(ci.isOk());
        Result<std::string> alice = store->add("alice", Role::Admin, 2000);
        QVERIFY(alice.isOk());
        QVERIFY(ci->rfind("kappa_", 0) == 0);
        QCOMPARE(ci->size(), std::size_t{6 + 43}); // 32 bytes in base64url, no padding
        QVERIFY(ci->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                == std::string::npos);
        QVERIFY(*ci != *alice);

        const std::vector<TokenEntry> entries = store->list();
        QCOMPARE(entries.size(), std::size_t{2});
        QCOMPARE(entries[0].name, std::string("alice")); // sorted by name
        QCOMPARE(entries[0].role, Role::Admin);
        QCOMPARE(entries[0].createdMs, std::int64_t{2000});
        QCOMPARE(entries[1].name, std::string("ci-bot"));
        QCOMPARE(entries[1].role, Role::Operator);

        std::optional<TokenIdentity> who = store->authenticate(*ci);
        QVERIFY(who);
        QCOMPARE(who->name, std::string("ci-bot"));
        QCOMPARE(who->role, Role::Operator);
        QCOMPARE(store->authenticate(*alice)->name, std::string("alice"));

        // A second store sees the same tokens from the file.
        auto reopened = openOrFail(path);
        QVERIFY(reopened);
        QCOMPARE(reopened->list().size(), std::size_t{2});
        QCOMPARE(reopened->authenticate(*ci)->name, std::string("ci-bot"));

        QVERIFY(store->revoke("ci-bot").isOk());
        QVERIFY(!store->authenticate(*ci));
        QVERIFY(store->authenticate(*alice));
        QCOMPARE(store->list().size(), std::size_t{1});
        QCOMPARE(store->revoke("ci-bot").code(), StatusCode::NotFound);
    }

    void fileHoldsOnlyHashes()
    {
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto store = openOrFail(path);
        QVERIFY(store);
        Result<std::string> token = store->add("svc", Role::Viewer, 42);
        QVERIFY(token.isOk());
        const QByteArray text = readAll(path);
        QVERIFY(!text.isEmpty());
        QVERIFY(!text.contains(QByteArray::fromStdString(*token)));
        QVERIFY(!text.contains(QByteArray::fromStdString(token->substr(6)))); // nor the random part

        const nlohmann::json root = nlohmann::json::parse(text.toStdString());
        QCOMPARE(root.at("format").get<int>(), 1);
        QCOMPARE(root.at("tokens").size(), std::size_t{1});
        const nlohmann::json &entry = root.at("tokens")[0];
        QCOMPARE(entry.at("name").get<std::string>(), std::string("svc"));
        QCOMPARE(entry.at("role").get<std::string>(), std::string("viewer"));
        QCOMPARE(entry.at("created_ms").get<std::int64_t>(), std::int64_t{42});
        const std::string hash = entry.at("sha256").get<std::string>();
        QCOMPARE(hash.size(), std::size_t{64});
        QVERIFY(hash.find_first_not_of("0123456789abcdef") == std::string::npos);
        // No temporary file is left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"tokens.json"});
    }

    void fileModeIs0600()
    {
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto store = openOrFail(path);
        QVERIFY(store);
        QVERIFY(store->add("a", Role::Viewer, 1).isOk());
        struct stat info
        {};
        QCOMPARE(::stat(path.c_str(), &info), 0);
        QCOMPARE(info.st_mode & 0777, mode_t{0600});
        // Rewrites narrow a file someone widened.
        QCOMPARE(::chmod(path.c_str(), 0644), 0);
        QVERIFY(store->revoke("a").isOk());
        QCOMPARE(::stat(path.c_str(), &info), 0);
        QCOMPARE(info.st_mode & 0777, mode_t{0600});
    }

    void wrongTokensFail()
    {
        QTemporaryDir dir;
        auto store = openOrFail(tokenPath(dir));
        QVERIFY(store);
        QVERIFY(!store->authenticate("kappa_anything")); // empty store
        Result<std::string> token = store->add("a", Role::Admin, 1);
        QVERIFY(token.isOk());
        const std::string &t = *token;
        QVERIFY(store->authenticate(t));
        QVERIFY(!store->authenticate(""));
        QVERIFY(!store->authenticate("kappa_"));
        QVERIFY(!store->authenticate(t.substr(0, t.size() - 1)));
        QVERIFY(!store->authenticate(t + "x"));
        QVERIFY(!store->authenticate(t.substr(6))); // without the prefix
        std::string flipped = t;
        flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
        QVERIFY(!store->authenticate(flipped));
        // The stored hash itself is not a token.
        const nlohmann::json root = nlohmann::json::parse(readAll(tokenPath(dir)).toStdString());
        QVERIFY(!store->authenticate(root.at("tokens")[0].at("sha256").get<std::string>()));
    }

    void badInputRejected_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << QString();
        QTest::newRow("space") << QStringLiteral("a b");
        QTest::newRow("slash") << QStringLiteral("a/b");
        QTest::newRow("quote") << QStringLiteral("a\"b");
        QTest::newRow("non-ascii") << QStringLiteral("caf\u00e9");
        QTest::newRow("65 chars") << QString(65, QLatin1Char('a'));
    }

    void badInputRejected()
    {
        QFETCH(QString, name);
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto store = openOrFail(path);
        QVERIFY(store);
        Result<std::string> added = store->add(name.toStdString(), Role::Viewer, 1);
        QCOMPARE(added.status().code(), StatusCode::InvalidArgument);
        QVERIFY(store->list().empty());
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
    }

    void validNames()
    {
        QTemporaryDir dir;
        auto store = openOrFail(tokenPath(dir));
        QVERIFY(store);
        QVERIFY(store->add(std::string(64, 'z'), Role::Viewer, 1).isOk());
        QVERIFY(store->add("A.b_c-9", Role::Viewer, 1).isOk());
    }

    void duplicateRejected()
    {
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto store = openOrFail(path);
        QVERIFY(store);
        Result<std::string> first = store->add("ci", Role::Operator, 1);
        QVERIFY(first.isOk());
        const QByteArray before = readAll(path);
        Result<std::string> second = store->add("ci", Role::Admin, 2);
        QCOMPARE(second.status().code(), StatusCode::AlreadyExists);
        QCOMPARE(readAll(path), before);
        QCOMPARE(store->authenticate(*first)->role, Role::Operator);
    }

    void reloadSeesOtherWriters()
    {
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto server = openOrFail(path);
        auto cli = openOrFail(path);
        QVERIFY(server && cli);
        Result<std::string> token = cli->add("ci", Role::Operator, 1);
        QVERIFY(token.isOk());
        QVERIFY(!server->authenticate(*token)); // not yet reloaded
        QVERIFY(server->reload().isOk());
        QVERIFY(server->authenticate(*token));

        QVERIFY(cli->revoke("ci").isOk());
        QVERIFY(server->authenticate(*token));
        QVERIFY(server->reload().isOk());
        QVERIFY(!server->authenticate(*token));
        QVERIFY(server->list().empty());
    }

    void writesStartFromTheFile()
    {
        // A store opened before another process's add must not drop that token when it adds its own.
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto first = openOrFail(path);
        auto second = openOrFail(path);
        QVERIFY(first && second);
        Result<std::string> a = first->add("a", Role::Viewer, 1);
        Result<std::string> b = second->add("b", Role::Viewer, 2);
        QVERIFY(a.isOk() && b.isOk());
        auto check = openOrFail(path);
        QVERIFY(check);
        QCOMPARE(check->list().size(), std::size_t{2});
    }

    void corruptFile_data()
    {
        const std::string hash(64, 'a');
        auto file = [](const std::string &tokens, const std::string &format = "1") {
            return QByteArray::fromStdString("{\"format\": " + format + ", \"tokens\": [" + tokens + "]}");
        };
        auto entry = [](const std::string &name, const std::string &role, const std::string &sha,
                        const std::string &created = "1") {
            return "{\"name\": \"" + name + "\", \"role\": \"" + role + "\", \"sha256\": \"" + sha
                   + "\", \"created_ms\": " + created + "}";
        };
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("not json") << QByteArray("{\"format\": 1, \"tok") << "not valid JSON";
        QTest::newRow("empty file") << QByteArray() << "not valid JSON";
        QTest::newRow("array") << QByteArray("[]") << "JSON object";
        QTest::newRow("no format") << QByteArray("{\"tokens\": []}") << "format";
        QTest::newRow("format 2") << file("", "2") << "format 2 is not supported";
        QTest::newRow("no tokens") << QByteArray("{\"format\": 1}") << "tokens";
        QTest::newRow("bad role") << file(entry("a", "root", hash)) << "tokens[0].role";
        QTest::newRow("short hash") << file(entry("a", "admin", hash.substr(1))) << "tokens[0].sha256";
        QTest::newRow("non-hex hash")
            << file(entry("a", "admin", std::string(64, 'g'))) << "tokens[0].sha256";
        QTest::newRow("bad name") << file(entry("a b", "admin", hash)) << "tokens[0].name";
        QTest::newRow("created text") << file(entry("a", "admin", hash, "\"x\"")) << "created_ms";
        QTest::newRow("duplicate") << file(entry("a", "admin", hash) + "," + entry("a", "viewer", hash))
                                   << "'a' appears more than once";
    }

    void corruptFile()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);

        auto server = openOrFail(path);
        QVERIFY(server);
        Result<std::string> token = server->add("keep", Role::Admin, 1);
        QVERIFY(token.isOk());

        writeAll(path, text);
        Result<std::unique_ptr<TokenStore>> opened = TokenStore::open(path);
        QCOMPARE(opened.status().code(), StatusCode::Corruption);
        const std::string message = opened.status().message();
        QVERIFY2(message.find(path) != std::string::npos, message.c_str());
        QVERIFY2(message.find(problem.toStdString()) != std::string::npos, message.c_str());

        // reload keeps the tokens it had; add and revoke refuse to overwrite the broken file.
        QCOMPARE(server->reload().code(), StatusCode::Corruption);
        QCOMPARE(server->authenticate(*token)->name, std::string("keep"));
        QCOMPARE(server->list().size(), std::size_t{1});
        QCOMPARE(server->add("other", Role::Viewer, 2).status().code(), StatusCode::Corruption);
        QCOMPARE(server->revoke("keep").code(), StatusCode::Corruption);
        QCOMPARE(readAll(path), text);
    }

    void concurrentReaders()
    {
        // authenticate and list from several threads while tokens are added and reloaded.
        QTemporaryDir dir;
        const std::string path = tokenPath(dir);
        auto store = openOrFail(path);
        QVERIFY(store);
        Result<std::string> stable = store->add("stable", Role::Viewer, 1);
        QVERIFY(stable.isOk());
        std::atomic<bool> stop{false};
        std::atomic<int> failures{0};
        std::vector<std::thread> readers;
        for (int i = 0; i < 4; ++i)
            readers.emplace_back([&] {
                while (!stop.load()) {
                    if (!store->authenticate(*stable) || store->list().empty())
                        ++failures;
                }
            });
        for (int i = 0; i < 20; ++i) {
            QVERIFY(store->add("t" + std::to_string(i), Role::Operator, i).isOk());
            QVERIFY(store->reload().isOk());
        }
        for (int i = 0; i < 20; ++i)
            QVERIFY(store->revoke("t" + std::to_string(i)).isOk());
        stop = true;
        for (std::thread &reader : readers)
            reader.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(store->list().size(), std::size_t{1});
    }
};

QTEST_APPLESS_MAIN(TestTokenStore)
#include "test_token_store.moc"
