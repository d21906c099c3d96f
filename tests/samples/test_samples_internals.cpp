// The generator's building blocks: PRNG, Zipf sampler, catalogue, density
// curve and wake-up queue.
#include "samples/catalog.h"
#include "samples/density_curve.h"
#include "samples/prng.h"
#include "samples/wakeup_queue.h"
#include "samples/zipf.h"
#include "test_support.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

using namespace kappa;
using namespace kappa::samples;

class TestSamplesInternals : public QObject
{
    Q_OBJECT

private slots:
    void splitMix64MatchesReference()
    {
        // Reference outputs of Vigna's splitmix64.c for seed 1234567.
        SplitMix64 rng(1234567);
        QCOMPARE(rng.next(), 6457827717110365317ULL);
        QCOMPARE(rng.next(), 3203168211198807973ULL);
        QCOMPARE(rng.next(), 9817491932198370423ULL);
        QCOMPARE(rng.next(), 4593380528125082431ULL);
        QCOMPARE(rng.next(), 16408922859458223821ULL);
    }

    void xoshiroBoundedDrawsStayInRange()
    {
        Xoshiro256 rng(7);
        std::vector<int> hits(10, 0);
        for (int i = 0; i < 100'000; ++i) {
            const auto v = rng.below(10);
            QVERIFY(v < 10);
            ++hits[v];
            const double u = rng.uniform();
            QVERIFY(u >= 0.0 && u < 1.0);
            const auto b = rng.between(-3, 3);
            QVERIFY(b >= -3 && b <= 3);
        }
        for (int h : hits)
            QVERIFY2(h > 9'500 && h < 10'500, "below(10) is not uniform");
    }

    void zipfMatchesDistribution_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<double>("exponent");
        QTest::newRow("n=50 s=1.1") << qint64(50) << 1.1;
        QTest::newRow("n=50 s=1 (limit case)") << qint64(50) << 1.0;
        QTest::newRow("n=1000 s=0.5") << qint64(1000) << 0.5;
        QTest::newRow("n=3 s=2") << qint64(3) << 2.0;
        QTest::newRow("n=1") << qint64(1) << 1.1;
    }

    void zipfMatchesDistribution()
    {
        QFETCH(qint64, n);
        QFETCH(double, exponent);
        const ZipfSampler zipf(n, exponent);
        Xoshiro256 rng(99);
        constexpr int kDraws = 400'000;
        std::vector<int> counts(static_cast<std::size_t>(n) + 1, 0);
        for (int i = 0; i < kDraws; ++i) {
            const std::int64_t k = zipf.sample(rng);
            QVERIFY(k >= 1 && k <= n);
            ++counts[static_cast<std::size_t>(k)];
        }
        for (std::int64_t k = 1; k <= n; ++k) {
            const double expected = zipf.probability(k) * kDraws;
            if (expected < 2'000)
                continue;
            // Five standard deviations of a binomial count.
            const double tolerance = 5.0 * std::sqrt(expected);
            QVERIFY2(std::abs(counts[static_cast<std::size_t>(k)] - expected) < tolerance,
                     qPrintable(QStringLiteral("rank %1: %2 draws, expected %3")
                                    .arg(k)
                                    .arg(counts[static_cast<std::size_t>(k)])
                                    .arg(expected)));
        }
        // The head is heavier than the tail.
        QVERIFY(n == 1 || counts[1] > counts[static_cast<std::size_t>(n)]);
    }

    void catalogItemsMapToCategories()
    {
        SampleConfig config;
        config.items = 1'003; // not a multiple of the category count
        config.categories = 10;
        config.users = 997;
        config.merchants = 17;
        const Catalog catalog(config);
        std::set<std::int64_t> seen;
        for (std::int32_t c = 1; c <= config.categories; ++c) {
            QVERIFY(catalog.categorySize(c) == 100 || catalog.categorySize(c) == 101);
            for (std::int64_t rank = 1; rank <= catalog.categorySize(c); ++rank) {
                const std::int64_t item = catalog.itemAt(c, rank);
                QVERIFY(item >= 1 && item <= config.items);
                QCOMPARE(catalog.categoryOf(item), c);
                seen.insert(item);
                const std::int64_t merchant = catalog.merchantOf(item);
                QVERIFY(merchant >= 1 && merchant <= config.merchants);
                for (int country = 0; country < kCountryCount; ++country) {
                    const std::int64_t price = catalog.priceCents(item, c, country);
                    QVERIFY(price > 0);
                    QCOMPARE(price % 100, 99);
                }
            }
        }
        QCOMPARE(static_cast<std::int64_t>(seen.size()), config.items);
    }

    void catalogUsersAreABijection()
    {
        SampleConfig config;
        config.users = 1'000;
        const Catalog catalog(config);
        std::set<std::int64_t> ids;
        for (std::int64_t rank = 1; rank <= config.users; ++rank) {
            const std::int64_t id = catalog.userAtRank(rank);
            QVERIFY(id >= 1 && id <= config.users);
            ids.insert(id);
            const int cards = catalog.cardCount(id);
            QVERIFY(cards >= 1 && cards <= SampleGenerator::kMaxCardsPerUser);
        }
        QCOMPARE(static_cast<std::int64_t>(ids.size()), config.users);
        QVERIFY(catalog.userAtRank(1) != 1); // the busiest user is not simply id 1
    }

    void densityCurveFollowsHoursAndFlashSales()
    {
        const EventTime midnight(1'704'067'200'000);
        constexpr std::int64_t kHour = 3'600'000;
        double daySum = 0;
        for (int h = 0; h < 24; ++h)
            daySum += DensityCurve::hourWeight(h);

        DensityCurve plain(midnight, 24 * kHour, {});
        const double afterFirstHour = DensityCurve::hourWeight(0) / daySum;
        QVERIFY(std::abs(plain.timeAt(afterFirstHour) - static_cast<double>((midnight + kHour).value()))
                < 1.0);
        QCOMPARE(plain.timeAt(0.0), static_cast<double>(midnight.value()));
        QVERIFY(plain.timeAt(0.999999999) < static_cast<double>((midnight + 24 * kHour).value()));

        // A x10 window over hour 2 turns its share of the day from w2 to 10 w2.
        DensityCurve flash(midnight, 24 * kHour, {{midnight + 2 * kHour, kHour, 10.0}});
        const double w0 = DensityCurve::hourWeight(0);
        const double w1 = DensityCurve::hourWeight(1);
        const double w2 = DensityCurve::hourWeight(2);
        const double w3 = DensityCurve::hourWeight(3);
        const double total = daySum + 9 * w2;
        QVERIFY(std::abs(flash.timeAt((w0 + w1 + 5 * w2) / total)
                         - static_cast<double>((midnight + 2 * kHour + kHour / 2).value()))
                < 1.0);
        QCOMPARE(flash.lastMultiplier(), 10.0);
        QVERIFY(std::abs(flash.timeAt((w0 + w1 + 10 * w2 + w3 / 2) / total)
                         - static_cast<double>((midnight + 3 * kHour + kHour / 2).value()))
                < 1.0);
        QCOMPARE(flash.lastMultiplier(), 1.0);
    }

    void wakeupQueuePopsInKeyOrder()
    {
        // Every actor has one entry; ties on the due time are broken by actor index.
        WakeupQueue queue;
        Xoshiro256 rng(5);
        std::uint32_t actor = 0;
        for (int i = 0; i < 5'000; ++i) {
            queue.push({static_cast<std::int64_t>(rng.below(1'000)), actor++});
            if (i % 3 == 0) {
                const Wakeup top = queue.top();
                queue.replaceTop({top.due + static_cast<std::int64_t>(rng.below(50)), top.actor});
            }
            if (i % 7 == 0)
                queue.pop();
        }
        std::vector<std::pair<std::int64_t, std::uint32_t>> drained;
        while (!queue.empty()) {
            drained.emplace_back(queue.top().due, queue.top().actor);
            queue.pop();
        }
        QVERIFY(std::is_sorted(drained.begin(), drained.end()));
        QCOMPARE(drained.size(), std::size_t(5'000 - 715));
    }
};

QTEST_APPLESS_MAIN(TestSamplesInternals)
#include "test_samples_internals.moc"
