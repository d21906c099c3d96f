// KappadClient's calls for the job dashboard: per-task metrics and history.
#include "client/dashboard_decode.h"
#include "client/kappad_client.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace kappa::console {

namespace {

QString versionPath(const QString &job, const QString &version, const char *what)
{
    return QStringLiteral("/api/v1/jobs/%1/versions/%2/%3")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(job)),
             QString::fromLatin1(QUrl::toPercentEncoding(version)), QLatin1String(what));
}

} // namespace

void KappadClient::fetchMetrics(const QString &job, const QString &version)
{
    answer<VersionMetricsInfo>(get(versionPath(job, version, "metrics")),
                               QStringLiteral("metrics of %1@%2").arg(job, version), decodeVersionMetrics,
                               &KappadClient::metricsReceived);
}

void KappadClient::fetchHistory(const QString &job, const QString &version, HistorySeries series,
                                qint64 fromMs, qint64 toMs)
{
    const QString name = historySeriesName(series);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("series"), name);
    query.addQueryItem(QStringLiteral("from_ms"), QString::number(fromMs));
    query.addQueryItem(QStringLiteral("to_ms"), QString::number(toMs));
    // get() takes a path only: the query goes on the request's URL here.
    QNetworkRequest r = request(versionPath(job, version, "history"));
    QUrl url = r.url();
    url.setQuery(query);
    r.setUrl(url);
    answer<HistoryInfo>(m_network->get(r), QStringLiteral("history of %1@%2 (%3)").arg(job, version, name),
                        decodeHistory, &KappadClient::historyReceived);
}

} // namespace kappa::console
