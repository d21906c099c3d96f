// PublishPolicy: when a source task publishes, caught up and behind, with its
// outputs' sink free or busy.
#include "test_support.h"

#include "runtime/publish_policy.h"

using kappa::runtime::PublishPolicy;
using namespace std::chrono_literals;

namespace {

PublishPolicy policy()
{
    PublishPolicy p;
    p.liveInterval = 100ms;
    p.behindInterval = 2s;
    p.maxUnpublished = 1000;
    return p;
}

PublishPolicy::State behind(std::chrono::milliseconds sinceLast, std::size_t unpublished, bool busy)
{
    return {false, sinceLast, unpublished, busy};
}

} // namespace

class TestRuntimePublishPolicy : public QObject
{
    Q_OBJECT

private slots:
    void caughtUpPublishesEveryLiveInterval()
    {
        const PublishPolicy p = policy();
        QVERIFY(!p.due({true, 99ms, 10, false}));
        QVERIFY(p.due({true, 100ms, 10, false}));
        // Latency first: a busy sink does not hold a caught-up task back.
        QVERIFY(p.due({true, 100ms, 10, true}));
        PublishPolicy everyBatch = p;
        everyBatch.liveInterval = 0ms;
        QVERIFY(everyBatch.due({true, 0ms, 1, true}));
    }

    void behindPublishesAtTheFirstBound()
    {
        const PublishPolicy p = policy();
        QVERIFY(!p.due(behind(1999ms, 999, false)));
        QVERIFY(p.due(behind(2s, 1, false)));
        QVERIFY(p.due(behind(1ms, 1000, false)));
        // The live interval does not apply while behind.
        QVERIFY(!p.due(behind(500ms, 10, false)));
    }

    void behindWaitsForABusySinkUpToTwiceTheBounds()
    {
        const PublishPolicy p = policy();
        QVERIFY(!p.due(behind(2s, 1, true)));
        QVERIFY(!p.due(behind(3999ms, 1999, true)));
        QVERIFY(p.due(behind(4s, 1, true)));
        QVERIFY(p.due(behind(1ms, 2000, true)));
        QVERIFY(p.due(behind(2s, 1, false))); // free again: at once
    }
};

QTEST_GUILESS_MAIN(TestRuntimePublishPolicy)
#include "test_runtime_publish_policy.moc"
