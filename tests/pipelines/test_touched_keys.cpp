// TouchedKeys against a plain model: first-touch order, latest positions,
// growth of the table and clears between batches.
#include "pipelines/touched_keys.h"
#include "test_support.h"

#include <map>
#include <random>

using kappa::Offset;
using kappa::pipelines::TouchedKeys;

class TestTouchedKeys : public QObject
{
    Q_OBJECT

private slots:
    void keepsFirstTouchOrderAndLatestPosition()
    {
        TouchedKeys touched;
        touched.touch(7, Offset(1));
        touched.touch(-3, Offset(2));
        touched.touch(7, Offset(3));
        QCOMPARE(touched.keys().size(), std::size_t{2});
        QCOMPARE(touched.keys()[0].id, std::int64_t{7});
        QCOMPARE(touched.keys()[0].position, Offset(3));
        QCOMPARE(touched.keys()[1].id, std::int64_t{-3});
        QCOMPARE(touched.keys()[1].position, Offset(2));
        touched.clear();
        QVERIFY(touched.keys().empty());
        touched.touch(-3, Offset(9));
        QCOMPARE(touched.keys().size(), std::size_t{1});
        QCOMPARE(touched.keys()[0].position, Offset(9));
    }

    void matchesAModelOverManyBatches()
    {
        std::mt19937_64 random(11);
        TouchedKeys touched;
        std::int64_t offset = 0;
        for (int batch = 0; batch < 200; ++batch) {
            std::vector<std::int64_t> order;
            std::map<std::int64_t, std::int64_t> latest;
            // Batches from a handful of keys to several thousand (the table grows),
            // ids from a small range (repeats) or spread with a stride (hash clustering).
            const int events = static_cast<int>(random() % (batch % 10 == 0 ? 20'000 : 300));
            const std::int64_t range = 1 + static_cast<std::int64_t>(random() % 5'000);
            const std::int64_t stride = batch % 3 == 0 ? 1 : (std::int64_t{1} << (random() % 40));
            for (int e = 0; e < events; ++e) {
                const std::int64_t id = (static_cast<std::int64_t>(random() % range) - range / 2) * stride;
                if (latest.emplace(id, 0).second)
                    order.push_back(id);
                latest[id] = ++offset;
                touched.touch(id, Offset(offset));
            }
            QCOMPARE(touched.keys().size(), order.size());
            for (std::size_t i = 0; i < order.size(); ++i) {
                QCOMPARE(touched.keys()[i].id, order[i]);
                QCOMPARE(touched.keys()[i].position, Offset(latest[order[i]]));
            }
            touched.clear();
        }
    }
};

QTEST_APPLESS_MAIN(TestTouchedKeys)
#include "test_touched_keys.moc"
