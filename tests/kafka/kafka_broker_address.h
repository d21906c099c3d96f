// The real broker's address for the suites labelled `kafka`: the
// kafka_broker fixture (tests/kafka/broker) starts the broker and names the
// file holding "127.0.0.1:PORT" in KAPPA_KAFKA_BOOTSTRAP_FILE.
#pragma once

#include <QFile>
#include <QString>

#include <optional>

// None when the variable is unset (the suite runs outside CTest and should
// skip); an empty string when the file cannot be read (a failure).
inline std::optional<QString> kafkaBrokerAddress()
{
    const QString path = qEnvironmentVariable("KAPPA_KAFKA_BOOTSTRAP_FILE");
    if (path.isEmpty())
        return std::nullopt;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll().trimmed());
}

// In a suite's initTestCase: `target` = the broker's address, or skip the suite without a broker.
#define KAPPA_KAFKA_BROKER_OR_SKIP(target) \
    do { \
        const std::optional<QString> brokerAddress = kafkaBrokerAddress(); \
        if (!brokerAddress) \
            QSKIP("no Kafka broker: run through CTest (ctest -L kafka), which starts one"); \
        QVERIFY2(!brokerAddress->isEmpty(), \
                 "the broker's bootstrap file (KAPPA_KAFKA_BOOTSTRAP_FILE) is unreadable"); \
        target = *brokerAddress; \
    } while (false)
