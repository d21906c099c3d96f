// MetricsView: partials per source partition summed into business_metrics
// rows, the never-backwards upsert, filters, sync, read-only opening and
// dropping.
#include <filesystem>

#include "sqlite/sqlite_db.h"
#include "test_support.h"
#include "views/metrics_view.h"

using namespace kappa;
using namespace kappa::views;

namespace {

constexpr std::int64_t kMinute = 60'000;

MetricsPartial partial(std::int64_t window, std::int32_t category, std::int32_t partition,
                       std::int64_t offset, std::int64_t views, std::int64_t orders = 0, std::int64_t gmv = 0,
                       std::string country = "")
{
    MetricsPartial p;
    p.windowStartMs = window;
    p.categoryId = category;
    p.country = std::move(country);
    p.sourcePartition = PartitionId(partition);
    p.position = Offset(offset);
    p.counts = {views, 0, 0, orders, gmv, views, orders};
    return p;
}

MetricsQuery all()
{
    return {0, std::numeric_limits<std::int64_t>::max(), std::nullopt, std::nullopt, std::nullopt};
}

} // namespace

class TestMetricsView : public QObject
{
    Q_OBJECT

private slots:
    void partialsSumAcrossPartitions()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(tempPath(dir, "m.db")));
        const std::vector<MetricsPartial> batch = {partial(0, 0, 0, 10, 5, 1, 999),
                                                   partial(0, 0, 1, 4, 7, 2, 1500),
                                                   partial(kMinute, 0, 0, 11, 1)};
        KAPPA_VERIFY_OK(view->write(batch));
        KAPPA_ASSIGN_OR_FAIL(auto rows, view->query(all()));
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].windowStartMs, 0);
        QCOMPARE(rows[0].counts.views, 12);
        QCOMPARE(rows[0].counts.orders, 3);
        QCOMPARE(rows[0].counts.gmvCents, 2499);
        QCOMPARE(rows[0].counts.sessions, 12);
        QCOMPARE(rows[1].windowStartMs, kMinute);
        KAPPA_ASSIGN_OR_FAIL(auto count, view->rowCount());
        QCOMPARE(count, 2);
    }

    void sumsOnlyTheChosenPartitions()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(tempPath(dir, "m.db")));
        const std::vector<MetricsPartial> batch = {partial(0, 0, 0, 10, 5), partial(0, 0, 1, 4, 7),
                                                   partial(0, 0, 2, 4, 100), partial(kMinute, 0, 2, 11, 1)};
        KAPPA_VERIFY_OK(view->write(batch));
        MetricsQuery q = all();
        q.sourcePartitions = std::vector<PartitionId>{PartitionId(0), PartitionId(1)};
        KAPPA_ASSIGN_OR_FAIL(auto rows, view->query(q));
        QCOMPARE(rows.size(), std::size_t(1)); // partition 2's minute is not there
        QCOMPARE(rows[0].counts.views, 12);
        QCOMPARE(rows[0].counts.sessions, 12);
        q.sourcePartitions = std::vector<PartitionId>{};
        KAPPA_ASSIGN_OR_FAIL(auto none, view->query(q));
        QVERIFY(none.empty());
        KAPPA_ASSIGN_OR_FAIL(auto every, view->query(all()));
        QCOMPARE(every.size(), std::size_t(2));
        QCOMPARE(every[0].counts.views, 112);
    }

    void partialsOfOnePartitionAsWritten()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(tempPath(dir, "m.db")));
        const std::vector<MetricsPartial> batch = {partial(kMinute, 0, 1, 8, 2),
                                                   partial(0, 4, 1, 7, 3, 1, 250),
                                                   partial(0, 0, 1, 7, 6, 0, 0, "DE"),
                                                   partial(0, 4, 2, 9, 100)};
        KAPPA_VERIFY_OK(view->write(batch));
        KAPPA_ASSIGN_OR_FAIL(auto ofOne, view->partialsOf(PartitionId(1)));
        QCOMPARE(ofOne.size(), std::size_t(3));        // not partition 2's, and not summed
        QCOMPARE(ofOne[0].country, std::string("DE")); // key order: window, category, country
        QCOMPARE(ofOne[0].counts.views, 6);
        QCOMPARE(ofOne[1].categoryId, 4);
        QCOMPARE(ofOne[1].position.value(), 7);
        QCOMPARE(ofOne[1].sourcePartition.value(), 1);
        QVERIFY(ofOne[1].counts == batch[1].counts);
        QCOMPARE(ofOne[2].windowStartMs, kMinute);
        KAPPA_ASSIGN_OR_FAIL(auto none, view->partialsOf(PartitionId(5)));
        QVERIFY(none.empty());
    }

    void olderPartialsAreIgnored()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "m.db");
        {
            KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(path));
            const std::vector<MetricsPartial> newer = {partial(0, 3, 0, 50, 9)};
            KAPPA_VERIFY_OK(view->write(newer));
        }
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(path));
        const std::vector<MetricsPartial> stale = {partial(0, 3, 0, 20, 4)};
        KAPPA_VERIFY_OK(view->write(stale)); // a restarted task replaying its suffix
        const std::vector<MetricsPartial> same = {partial(0, 3, 0, 50, 9)};
        KAPPA_VERIFY_OK(view->write(same));
        KAPPA_ASSIGN_OR_FAIL(auto rows, view->query(all()));
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].counts.views, 9);
        const std::vector<MetricsPartial> later = {partial(0, 3, 0, 60, 10)};
        KAPPA_VERIFY_OK(view->write(later));
        KAPPA_ASSIGN_OR_FAIL(auto updated, view->query(all()));
        QCOMPARE(updated[0].counts.views, 10);
    }

    void largeWritesKeepTheRulesOfEachRow()
    {
        // Writes of many rows go in statements of several rows each, plus one
        // for the rest: every row still follows the never-backwards rule.
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(tempPath(dir, "m.db")));
        std::vector<MetricsPartial> first, second;
        for (std::int32_t i = 0; i < 101; ++i) {
            first.push_back(partial(i * kMinute, i % 7, 3, 100, i));
            // Even rows are newer (they change), odd ones older (ignored).
            second.push_back(partial(i * kMinute, i % 7, 3, i % 2 == 0 ? 200 : 50, 1000 + i));
        }
        KAPPA_VERIFY_OK(view->write(first));
        KAPPA_VERIFY_OK(view->write(second));
        KAPPA_ASSIGN_OR_FAIL(auto partials, view->partialsOf(PartitionId(3)));
        QCOMPARE(partials.size(), std::size_t(101));
        for (std::int32_t i = 0; i < 101; ++i) {
            const MetricsPartial &p = partials[static_cast<std::size_t>(i)];
            QCOMPARE(p.windowStartMs, i * kMinute);
            QCOMPARE(p.counts.views, i % 2 == 0 ? 1000 + i : i);
            QCOMPARE(p.position.value(), i % 2 == 0 ? 200 : 100);
        }
    }

    void writesOfEverySizeReuseTheirStatements()
    {
        // The view keeps one prepared upsert per row count: writes of every
        // size, each size several times, with the values of each write bound
        // afresh into the statement the previous one of that size used.
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(tempPath(dir, "m.db")));
        std::int64_t position = 0;
        std::vector<std::int64_t> expected(70, 0);
        for (int round = 0; round < 3; ++round) {
            // Largest first: each smaller write leaves the rows it does not cover as the larger one wrote them.
            for (std::size_t rows = expected.size(); rows >= 1; --rows) {
                std::vector<MetricsPartial> write;
                ++position;
                for (std::size_t i = 0; i < rows; ++i) {
                    const auto window = static_cast<std::int64_t>(i) * kMinute;
                    const std::int64_t views = position * 100 + static_cast<std::int64_t>(i);
                    write.push_back(partial(window, 1, 3, position, views));
                    expected[i] = views;
                }
                KAPPA_VERIFY_OK(view->write(write));
            }
        }
        KAPPA_ASSIGN_OR_FAIL(auto partials, view->partialsOf(PartitionId(3)));
        QCOMPARE(partials.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(partials[i].counts.views, expected[i]);
    }

    void filtersByRangeCategoryAndCountry()
    {
        QTemporaryDir dir;
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(tempPath(dir, "m.db")));
        const std::vector<MetricsPartial> batch = {partial(0, 0, 0, 1, 1), partial(0, 7, 0, 1, 2),
                                                   partial(kMinute, 7, 0, 2, 3),
                                                   partial(2 * kMinute, 7, 0, 3, 4),
                                                   partial(kMinute, 7, 0, 2, 5, 0, 0, "DE")};
        KAPPA_VERIFY_OK(view->write(batch));
        KAPPA_ASSIGN_OR_FAIL(auto range,
                             view->query({kMinute, 2 * kMinute, std::nullopt, std::nullopt, std::nullopt}));
        QCOMPARE(range.size(), std::size_t(2)); // the '' and 'DE' rows of minute 1
        KAPPA_ASSIGN_OR_FAIL(auto category, view->query({0, 3 * kMinute, 7, std::string(), std::nullopt}));
        QCOMPARE(category.size(), std::size_t(3));
        for (const MetricsRow &row : category)
            QCOMPARE(row.categoryId, 7);
        KAPPA_ASSIGN_OR_FAIL(auto germany,
                             view->query({0, 3 * kMinute, std::nullopt, std::string("DE"), std::nullopt}));
        QCOMPARE(germany.size(), std::size_t(1));
        QCOMPARE(germany[0].counts.views, 5);
    }

    // After sync() every committed batch is in the database file itself, not
    // only in the WAL: a copy of the main file alone holds all rows.
    void syncLeavesEveryCommitInFilesRecoveryReads()
    {
        // After sync() the rows are in the database file or the synced WAL,
        // the two files SQLite recovers from: a copy of both (what a power
        // loss leaves of synced files) shows them.
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "m.db");
        const std::string copy = tempPath(dir, "copy.db");
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(path));
        KAPPA_VERIFY_OK(view->sync()); // nothing written yet
        for (std::int32_t partition = 0; partition < 3; ++partition) {
            const std::vector<MetricsPartial> batch = {partial(0, 0, partition, 1, 10),
                                                       partial(kMinute, 0, partition, 2, 1)};
            KAPPA_VERIFY_OK(view->write(batch));
        }
        KAPPA_VERIFY_OK(view->sync());
        std::filesystem::copy_file(path, copy);
        std::filesystem::copy_file(path + "-wal", copy + "-wal");
        {
            KAPPA_ASSIGN_OR_FAIL(auto recovered, MetricsView::open(copy)); // recovery needs a writer
            KAPPA_ASSIGN_OR_FAIL(auto rows, recovered->query(all()));
            QCOMPARE(rows.size(), std::size_t(2));
            QCOMPARE(rows[0].counts.views, 30);
        }
        // The view stays writable after a sync, and a reader on an older
        // snapshot does not hold a sync up.
        KAPPA_ASSIGN_OR_FAIL(auto reader, MetricsView::openReadOnly(path));
        KAPPA_ASSIGN_OR_FAIL(auto before, reader->query(all()));
        QCOMPARE(before.size(), std::size_t(2));
        const std::vector<MetricsPartial> more = {partial(0, 0, 0, 5, 20)};
        KAPPA_VERIFY_OK(view->write(more));
        KAPPA_VERIFY_OK(view->sync());
        KAPPA_ASSIGN_OR_FAIL(auto after, reader->query(all()));
        QCOMPARE(after[0].counts.views, 40);
    }

    void syncsSurviveAReopen()
    {
        // Each sync writes a new sync count into the header; a reopened view
        // goes on from the stored one.
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "m.db");
        for (int run = 0; run < 2; ++run) {
            KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(path));
            KAPPA_VERIFY_OK(view->write(std::vector<MetricsPartial>{partial(0, 0, run, 1, 1)}));
            KAPPA_VERIFY_OK(view->sync());
            KAPPA_VERIFY_OK(view->sync());
        }
        KAPPA_ASSIGN_OR_FAIL(auto db, kappa::sqlite::SqliteDb::openReadOnly(path));
        KAPPA_ASSIGN_OR_FAIL(auto stmt, db->prepare("PRAGMA user_version"));
        KAPPA_ASSIGN_OR_FAIL(const bool row, stmt.step());
        QVERIFY(row);
        QCOMPARE(stmt.columnInt(0), 4);
    }

    void readOnlyOpen()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "m.db");
        QCOMPARE(MetricsView::openReadOnly(path).status().code(), StatusCode::NotFound);
        QVERIFY(!std::filesystem::exists(path)); // nothing created
        {
            // An SQLite database that is not a metrics view.
            KAPPA_ASSIGN_OR_FAIL(auto other, sqlite::SqliteDb::open(tempPath(dir, "other.db")));
            KAPPA_VERIFY_OK(other->exec("CREATE TABLE t (x INTEGER)"));
        }
        QCOMPARE(MetricsView::openReadOnly(tempPath(dir, "other.db")).status().code(), StatusCode::NotFound);

        KAPPA_ASSIGN_OR_FAIL(auto writer, MetricsView::open(path));
        const std::vector<MetricsPartial> first = {partial(0, 0, 0, 1, 5)};
        KAPPA_VERIFY_OK(writer->write(first));
        KAPPA_ASSIGN_OR_FAIL(auto reader, MetricsView::openReadOnly(path));
        KAPPA_ASSIGN_OR_FAIL(auto rows, reader->query(all()));
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].counts.views, 5);
        // Each query sees the latest committed batch of the writer.
        const std::vector<MetricsPartial> second = {partial(0, 0, 1, 1, 7)};
        KAPPA_VERIFY_OK(writer->write(second));
        KAPPA_ASSIGN_OR_FAIL(rows, reader->query(all()));
        QCOMPARE(rows[0].counts.views, 12);
        // A sync waits for readers on old snapshots; an idle reader does not block it.
        KAPPA_VERIFY_OK(writer->sync());

        QCOMPARE(reader->write(second).code(), StatusCode::FailedPrecondition);
        QCOMPARE(reader->sync().code(), StatusCode::FailedPrecondition);
        KAPPA_ASSIGN_OR_FAIL(auto count, reader->rowCount());
        QCOMPARE(count, 1);
    }

    // What a reader racing with a rebuild's deletion must not do: create a
    // database, or write to one (its connection is read-only in SQLite).
    void readOnlyConnectionsNeverWrite()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "m.db");
        QVERIFY(!sqlite::SqliteDb::openReadOnly(path).isOk());
        QVERIFY(!std::filesystem::exists(path));
        {
            KAPPA_ASSIGN_OR_FAIL(auto writer, MetricsView::open(path));
            const std::vector<MetricsPartial> batch = {partial(0, 0, 0, 1, 5)};
            KAPPA_VERIFY_OK(writer->write(batch));
        }
        // The writer has closed (its WAL checkpointed and removed): kappactl's offline reads.
        QVERIFY(!std::filesystem::exists(path + "-wal"));
        KAPPA_ASSIGN_OR_FAIL(auto reader, MetricsView::openReadOnly(path));
        KAPPA_ASSIGN_OR_FAIL(auto rows, reader->query(all()));
        QCOMPARE(rows.size(), std::size_t(1));
        KAPPA_ASSIGN_OR_FAIL(auto raw, sqlite::SqliteDb::openReadOnly(path));
        QVERIFY(!raw->exec("DELETE FROM metrics_partials").isOk());
        KAPPA_ASSIGN_OR_FAIL(rows, reader->query(all()));
        QCOMPARE(rows.size(), std::size_t(1));
    }

    void destroyRemovesTheDatabase()
    {
        QTemporaryDir dir;
        const std::string path = tempPath(dir, "m.db");
        {
            KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(path));
            const std::vector<MetricsPartial> batch = {partial(0, 0, 0, 1, 1)};
            KAPPA_VERIFY_OK(view->write(batch));
        }
        KAPPA_VERIFY_OK(MetricsView::destroy(path));
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
        KAPPA_ASSIGN_OR_FAIL(auto view, MetricsView::open(path));
        KAPPA_ASSIGN_OR_FAIL(auto count, view->rowCount());
        QCOMPARE(count, 0);
    }
};

QTEST_APPLESS_MAIN(TestMetricsView)
#include "test_metrics_view.moc"
