// ScoreCache: the in-memory fraud view: position rule, ordered snapshots,
// concurrent readers while a writer updates.
#include "test_support.h"
#include "views/score_cache.h"

#include <atomic>
#include <thread>

using namespace kappa;
using namespace kappa::views;

namespace {

ScoreWrite scoreAt(std::int64_t id, std::int64_t offset, std::string row)
{
    return {id, {PartitionId(0), Offset(offset)}, std::move(row)};
}

} // namespace

class TestScoreCache : public QObject
{
    Q_OBJECT

private slots:
    void olderWritesAreIgnored()
    {
        ScoreCache cache;
        const std::vector<ScoreWrite> first = {scoreAt(7, 10, "a"), scoreAt(8, 3, "b")};
        QCOMPARE(cache.write(first), std::size_t(2));
        const std::vector<ScoreWrite> second = {scoreAt(7, 9, "stale"), scoreAt(7, 10, "same"),
                                                scoreAt(8, 4, "c")};
        QCOMPARE(cache.write(second), std::size_t(2));
        QCOMPARE(cache.get(7)->row, std::string("same"));
        QCOMPARE(cache.get(8)->row, std::string("c"));
        QCOMPARE(cache.get(8)->position.offset.value(), 4);
        QVERIFY(!cache.get(9).has_value());
    }

    void snapshotIsOrderedById()
    {
        ScoreCache cache;
        std::vector<ScoreWrite> writes;
        for (std::int64_t id : {5, 1000, 3, 42, 7})
            writes.push_back(scoreAt(id, 1, std::to_string(id)));
        cache.write(writes);
        std::vector<std::int64_t> ids;
        for (const auto &[id, row] : cache.snapshot())
            ids.push_back(id);
        QCOMPARE(ids, (std::vector<std::int64_t>{3, 5, 7, 42, 1000}));
        QCOMPARE(cache.size(), std::size_t(5));
        cache.clear();
        QCOMPARE(cache.size(), std::size_t(0));
    }

    void readersNeverSeeARowGoBackwards()
    {
        ScoreCache cache;
        std::atomic<bool> done{false};
        std::atomic<bool> wentBackwards{false};
        std::thread reader([&] {
            std::int64_t last = -1;
            while (!done.load()) {
                if (auto row = cache.get(1)) {
                    if (row->position.offset.value() < last)
                        wentBackwards = true;
                    last = row->position.offset.value();
                }
            }
        });
        for (std::int64_t offset = 0; offset < 20'000; ++offset) {
            // Every other write replays an older position, as a restarted task would.
            const std::vector<ScoreWrite> writes = {scoreAt(1, offset, "x"), scoreAt(1, offset / 2, "old")};
            cache.write(writes);
        }
        done = true;
        reader.join();
        QVERIFY(!wentBackwards.load());
        QCOMPARE(cache.get(1)->position.offset.value(), 19'999);
    }
};

QTEST_APPLESS_MAIN(TestScoreCache)
#include "test_score_cache.moc"
