// Shared helpers for the Qt Test suites.
#pragma once

#include "kappa/status.h"

#include <QTemporaryDir>
#include <QTest>

#include <string>

// QVERIFY for a Status, printing its message on failure.
#define KAPPA_VERIFY_OK(expr) \
    do { \
        const ::kappa::Status kappaTestStatus_ = (expr); \
        QVERIFY2(kappaTestStatus_.isOk(), kappaTestStatus_.toString().c_str()); \
    } while (false)

// Unwraps a Result into `lhs` or fails the test with its message.
#define KAPPA_ASSIGN_OR_FAIL(lhs, expr) \
    auto KAPPA_CONCAT(kappaTestResult_, __LINE__) = (expr); \
    QVERIFY2(KAPPA_CONCAT(kappaTestResult_, __LINE__).isOk(), \
             KAPPA_CONCAT(kappaTestResult_, __LINE__).status().toString().c_str()); \
    lhs = std::move(KAPPA_CONCAT(kappaTestResult_, __LINE__)).value()

inline std::string tempPath(const QTemporaryDir &dir, const char *name)
{
    return (dir.path() + QLatin1Char('/') + QLatin1String(name)).toStdString();
}
