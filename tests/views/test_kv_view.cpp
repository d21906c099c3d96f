// KeyValueView: rows with positions, the never-backwards rule, persistence,
// sync, read-only opening, ordered scans and dropping.
#include "test_support.h"
#include "views/kv_view.h"

#include <filesystem>
#include <vector>

using namespace kappa;
using namespace kappa::views;

namespace {

ViewPosition at(std::int64_t offset, std::int32_t partition = 0)
{
    return {PartitionId(partition), Offset(offset)};
}

std::string rowOf(KeyValueView &view, std::string_view key)
{
    auto row = view.get(key);
    if (!row.isOk() || !row->has_value())
        return "<none>";
    return (*row)->row;
}

} // namespace

class TestKvView : public QObject
{
    Q_OBJECT

private slots:
    void newerPositionsWinOlderAreIgnored_data()
    {
        QTest::addColumn<QList<qint64>>("offsets");
        QTest::addColumn<QString>("expected");
        // Each write i carries row "r<i>" at offsets[i]; the row at the highest offset must remain.
        QTest::newRow("in order") << QList<qint64>{1, 2, 3} << "r2";
        QTest::newRow("older after newer") << QList<qint64>{5, 3} << "r0";
        QTest::newRow("equal overwrites") << QList<qint64>{4, 4} << "r1";
        QTest::newRow("replay of a suffix") << QList<qint64>{1, 9, 2, 3, 9} << "r4";
    }

    void newerPositionsWinOlderAreIgnored()
    {
        QFETCH(QList<qint64>, offsets);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(tempPath(dir, "v")));
        for (int i = 0; i < offsets.size(); ++i) {
            const std::string row = "r" + std::to_string(i);
            const ViewWrite write{"user-1", at(offsets[i]), row};
            KAPPA_VERIFY_OK(view->write({&write, 1}));
        }
        QCOMPARE(QString::fromStdString(rowOf(*view, "user-1")), expected);
    }

    void ruleHoldsWithinOneBatchAndAcrossReopen()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "v");
        {
            KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
            const std::vector<ViewWrite> batch = {{"k", at(7), "seven"},
                                                  {"k", at(6), "six"},
                                                  {"j", at(1), "one"}};
            KAPPA_VERIFY_OK(view->write(batch));
        }
        KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
        QCOMPARE(rowOf(*view, "k"), std::string("seven"));
        const ViewWrite stale{"k", at(2), "two"};
        KAPPA_VERIFY_OK(view->write({&stale, 1}));
        KAPPA_ASSIGN_OR_FAIL(auto row, view->get("k"));
        QVERIFY(row.has_value());
        QCOMPARE(row->row, std::string("seven"));
        QCOMPARE(row->position.offset.value(), 7);
    }

    // Operands spread over several SST files (each reopen flushes the recovered
    // memtable; four L0 files trigger a compaction), so RocksDB combines them
    // with PartialMerge and FullMerge without a base value, not only in the
    // memtable: the newest position must still win, a tie going to the later write.
    void ruleHoldsAcrossFlushesAndCompaction()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "v");
        const std::vector<std::vector<std::int64_t>> rounds = {{3, 1},    {2, 8, 4}, {8},
                                                               {5, 6, 7}, {1, 2},    {8, 0}};
        int written = 0;
        for (const std::vector<std::int64_t> &offsets : rounds) {
            KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
            for (std::int64_t offset : offsets) {
                const std::string row = "w" + std::to_string(written++);
                const ViewWrite write{"k", at(offset), row};
                KAPPA_VERIFY_OK(view->write({&write, 1}));
            }
        }
        // Offset 8 was written as w3, w5 and w11: the last of them stays.
        for (int reopen = 0; reopen < 2; ++reopen) {
            KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
            KAPPA_ASSIGN_OR_FAIL(auto row, view->get("k"));
            QVERIFY(row.has_value());
            QCOMPARE(row->row, std::string("w11"));
            QCOMPARE(row->position.offset.value(), 8);
        }
    }

    void missingKeyIsEmpty()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(tempPath(dir, "v")));
        KAPPA_ASSIGN_OR_FAIL(auto row, view->get("nobody"));
        QVERIFY(!row.has_value());
    }

    void forEachVisitsInKeyOrderAndCanStop()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(tempPath(dir, "v")));
        const std::vector<ViewWrite> batch = {{"c", at(1), "3"}, {"a", at(2), "1"}, {"b", at(3), "2"}};
        KAPPA_VERIFY_OK(view->write(batch));
        std::string keys;
        KAPPA_VERIFY_OK(view->forEach([&](std::string_view key, const ViewRow &) {
            keys += key;
            return true;
        }));
        QCOMPARE(keys, std::string("abc"));
        int visited = 0;
        KAPPA_VERIFY_OK(view->forEach([&](std::string_view, const ViewRow &) { return ++visited < 2; }));
        QCOMPARE(visited, 2);
        QVERIFY(view->approximateKeys() >= 1);
    }

    void syncSucceedsAndWritesContinue()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "v");
        {
            KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
            KAPPA_VERIFY_OK(view->sync()); // nothing written yet
            const ViewWrite first{"k", at(1), "one"};
            KAPPA_VERIFY_OK(view->write({&first, 1}));
            KAPPA_VERIFY_OK(view->sync());
            const ViewWrite second{"k", at(2), "two"};
            KAPPA_VERIFY_OK(view->write({&second, 1}));
            KAPPA_VERIFY_OK(view->sync());
            QCOMPARE(rowOf(*view, "k"), std::string("two"));
        }
        KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
        QCOMPARE(rowOf(*view, "k"), std::string("two"));
    }

    void readOnlyOpenBesideAWriter()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "v");
        QCOMPARE(KeyValueView::openReadOnly(path).status().code(), StatusCode::NotFound);
        QVERIFY(!std::filesystem::exists(path)); // nothing created

        KAPPA_ASSIGN_OR_FAIL(auto writer, KeyValueView::open(path));
        const std::vector<ViewWrite> batch = {{"a", at(1), "1"}, {"b", at(2), "2"}};
        KAPPA_VERIFY_OK(writer->write(batch));
        // The writer holds the database open; the reader opens it anyway and
        // sees the unflushed writes (from the WAL) as of its open.
        KAPPA_ASSIGN_OR_FAIL(auto reader, KeyValueView::openReadOnly(path));
        QCOMPARE(rowOf(*reader, "a"), std::string("1"));
        QCOMPARE(rowOf(*reader, "b"), std::string("2"));
        const ViewWrite later{"c", at(3), "3"};
        KAPPA_VERIFY_OK(writer->write({&later, 1}));
        QCOMPARE(rowOf(*reader, "c"), std::string("<none>"));
        int rows = 0;
        KAPPA_VERIFY_OK(reader->forEach([&](std::string_view, const ViewRow &) { return ++rows, true; }));
        QCOMPARE(rows, 2);

        QCOMPARE(reader->write({&later, 1}).code(), StatusCode::FailedPrecondition);
        QCOMPARE(reader->sync().code(), StatusCode::FailedPrecondition);
        KAPPA_ASSIGN_OR_FAIL(auto reopened, KeyValueView::openReadOnly(path));
        QCOMPARE(rowOf(*reopened, "c"), std::string("3"));
    }

    void destroyRemovesEverything()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "v");
        {
            KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
            const ViewWrite write{"k", at(1), "x"};
            KAPPA_VERIFY_OK(view->write({&write, 1}));
        }
        KAPPA_VERIFY_OK(KeyValueView::destroy(path));
        KAPPA_ASSIGN_OR_FAIL(auto view, KeyValueView::open(path));
        QCOMPARE(rowOf(*view, "k"), std::string("<none>"));
        KAPPA_VERIFY_OK(KeyValueView::destroy(tempPath(dir, "never-created")));
    }
};

QTEST_APPLESS_MAIN(TestKvView)
#include "test_kv_view.moc"
