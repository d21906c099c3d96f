// What a kappad instance of a cluster says in its log, for the scale-out
// tests (tests/kafka/test_kafka_scale_out.cpp, test_kafka_cluster_reprocessing.cpp).
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

// The partitions an instance owns after its last reassignment; -1 before any.
inline int ownedPartitions(const QByteArray &log)
{
    int owned = -1;
    for (const QByteArray &line : log.split('\n')) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        const QString msg = entry.value(QStringLiteral("msg")).toString();
        if (msg == QStringLiteral("partitions assigned") || msg == QStringLiteral("partitions revoked"))
            owned = static_cast<int>(entry.value(QStringLiteral("owned")).toArray().size());
    }
    return owned;
}

// Whether the instance leads the cluster now (cluster_control.h).
inline bool leadsCluster(const QByteArray &log)
{
    return log.lastIndexOf("this instance leads the cluster") > log.lastIndexOf("this instance follows");
}

// The lines worth showing when a step fails: warnings, errors, partition
// moves and changes of the lead, the last few.
inline QByteArray notable(const QByteArray &log)
{
    QByteArray out;
    for (const QByteArray &line : log.split('\n'))
        if (line.contains("\"level\":\"error\"") || line.contains("\"level\":\"warn\"")
            || line.contains("partitions") || line.contains("this instance"))
            out += line.left(400) + '\n';
    return out.right(3000);
}
