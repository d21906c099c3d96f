// mergeMetricsAnswers: how an instance of a cluster adds up the metrics
// answers of every instance (each for its own partitions).
#include "service/metrics_gather.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <QTest>

using namespace kappa;
using json = nlohmann::ordered_json; // the documented field order, as kappad writes rows

namespace {

std::string answer(const std::string &version, std::int64_t asOf, double lag, const std::string &servedBy,
                   const json &rows)
{
    return json{{"view",
                 {{"job", "business_metrics"},
                  {"version", version},
                  {"as_of_ms", asOf},
                  {"lag_seconds", lag},
                  {"served_by", servedBy}}},
                {"data", rows}}
        .dump();
}

json row(std::int64_t window, std::int64_t category, std::int64_t views, std::int64_t sessions)
{
    return {{"window_start_ms", window},
            {"category_id", category},
            {"views", views},
            {"cart_adds", 1},
            {"checkouts", 0},
            {"orders", 0},
            {"gmv_cents", 10},
            {"sessions", sessions},
            {"purchasing_sessions", 0}};
}

} // namespace

class TestMetricsGather : public QObject
{
    Q_OBJECT

private slots:
    void sumsRowsWithTheSameKeyInViewOrder()
    {
        const std::string a = answer("v1", 5000, 0.5, "a", json::array({row(0, 0, 3, 2), row(0, 7, 1, 1)}));
        const std::string b = answer("v1", 4000, 2.0, "b",
                                     json::array({row(0, 0, 4, 3), row(60000, 0, 9, 9)}));
        KAPPA_ASSIGN_OR_FAIL(std::string merged, service::mergeMetricsAnswers({a, b}, 100));
        const json out = json::parse(merged);
        QCOMPARE(out["view"]["as_of_ms"].get<std::int64_t>(), 4000); // the stalest
        QCOMPARE(out["view"]["lag_seconds"].get<double>(), 2.0);
        QCOMPARE(out["view"]["served_by"].get<std::string>(), std::string("a,b"));
        const json &data = out["data"];
        QCOMPARE(data.size(), std::size_t(3));
        json summed = row(0, 0, 7, 5);
        summed["cart_adds"] = 2;
        summed["gmv_cents"] = 20;
        QVERIFY2(data[0] == summed, data[0].dump().c_str());
        QVERIFY2(data[1] == row(0, 7, 1, 1), data[1].dump().c_str());
        QVERIFY2(data[2] == row(60000, 0, 9, 9), data[2].dump().c_str());
        // The documented field order is kept.
        QVERIFY(merged.find("{\"window_start_ms\":0,\"category_id\":0,\"views\":7") != std::string::npos);
    }

    void refusesMixedVersionsAndTooManyRows()
    {
        const std::string a = answer("v1", 1, 0, "a", json::array({row(0, 0, 1, 1)}));
        const std::string b = answer("v2", 1, 0, "b", json::array({row(60000, 0, 1, 1)}));
        QCOMPARE(service::mergeMetricsAnswers({a, b}, 100).status().code(), StatusCode::Unavailable);
        const std::string c = answer("v1", 1, 0, "c", json::array({row(60000, 0, 1, 1)}));
        QCOMPARE(service::mergeMetricsAnswers({a, c}, 1).status().code(), StatusCode::ResourceExhausted);
        QCOMPARE(service::mergeMetricsAnswers({"{not json"}, 10).status().code(), StatusCode::Internal);
    }
};

QTEST_APPLESS_MAIN(TestMetricsGather)
#include "test_metrics_gather.moc"
