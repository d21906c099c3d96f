#include "wizards/job_specs.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

#include <QJsonArray>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace kappa::console {

// The translation context of the checks' messages.
class JobSpecs
{
    Q_DECLARE_TR_FUNCTIONS(kappa::console::JobSpecs)
};

QList<QJsonObject> builtinSpecs(const QString &job)
{
    QList<QJsonObject> specs;
    const QDir dir(QStringLiteral(":/kappa/jobs"));
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject spec = QJsonDocument::fromJson(file.readAll()).object();
        if (!spec.isEmpty() && (job.isEmpty() || spec.value(QLatin1String("job")).toString() == job))
            specs.append(spec);
    }
    std::stable_sort(specs.begin(), specs.end(), [](const QJsonObject &a, const QJsonObject &b) {
        const QString jobA = a.value(QLatin1String("job")).toString();
        const QString jobB = b.value(QLatin1String("job")).toString();
        if (jobA != jobB)
            return jobA < jobB;
        return a.value(QLatin1String("version")).toString() < b.value(QLatin1String("version")).toString();
    });
    return specs;
}

bool isValidVersionName(const QString &version)
{
    static const QRegularExpression kName(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return kName.match(version).hasMatch();
}

QString specProblem(const QJsonObject &spec, const QString &job)
{
    if (!spec.value(QLatin1String("job")).isString())
        return JobSpecs::tr("The spec names no job (\"job\" is missing or not a string).");
    if (spec.value(QLatin1String("job")).toString() != job)
        return JobSpecs::tr("The spec is for the job %1, not %2.")
            .arg(spec.value(QLatin1String("job")).toString(), job);
    if (!spec.value(QLatin1String("version")).isString())
        return JobSpecs::tr("The spec names no version (\"version\" is missing or not a string).");
    if (!isValidVersionName(spec.value(QLatin1String("version")).toString()))
        return JobSpecs::tr(
            "The version name must be 1 to 64 letters, digits, dots, underscores or hyphens.");
    if (spec.contains(QLatin1String("params")) && !spec.value(QLatin1String("params")).isObject())
        return JobSpecs::tr("\"params\" must be a JSON object.");
    if (spec.contains(QLatin1String("description")) && !spec.value(QLatin1String("description")).isString())
        return JobSpecs::tr("\"description\" must be a string.");
    if (spec.contains(QLatin1String("validation")) && !spec.value(QLatin1String("validation")).isObject())
        return JobSpecs::tr("\"validation\" must be a JSON object.");
    for (auto it = spec.begin(); it != spec.end(); ++it) {
        static const QStringList kKnown{QStringLiteral("job"), QStringLiteral("version"),
                                        QStringLiteral("params"), QStringLiteral("description"),
                                        QStringLiteral("validation")};
        if (!kKnown.contains(it.key()))
            return JobSpecs::tr("The spec has a field kappad does not know: \"%1\".").arg(it.key());
    }
    return QString();
}

namespace {

// The shortest decimal that reads back as `number`, without an exponent
// unless the number is huge or tiny enough to need one.
QString plainNumber(double number)
{
    if (!std::isfinite(number))
        return QStringLiteral("null"); // JSON has no infinity; QJsonValue never holds one anyway
    const double magnitude = std::fabs(number);
    const bool plain = magnitude == 0 || (magnitude >= 1e-9 && magnitude < 1e21);
    char text[400];
    const auto result = std::to_chars(text, text + sizeof text, number,
                                      plain ? std::chars_format::fixed : std::chars_format::general);
    return QString::fromLatin1(text, result.ptr - text);
}

// A string, boolean or null as JSON text, escaped by QJsonDocument.
QString scalarJson(const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1).chopped(1)); // without the array's brackets
}

void appendJson(QString &out, const QJsonValue &value, int depth)
{
    const QString indent(4 * (depth + 1), QLatin1Char(' '));
    const QString closingIndent(4 * depth, QLatin1Char(' '));
    switch (value.type()) {
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        if (object.isEmpty()) {
            out += QLatin1String("{}");
            return;
        }
        out += QLatin1String("{\n");
        for (auto it = object.begin(); it != object.end(); ++it) {
            out += indent + scalarJson(it.key()) + QLatin1String(": ");
            appendJson(out, it.value(), depth + 1);
            out += std::next(it) == object.end() ? QLatin1String("\n") : QLatin1String(",\n");
        }
        out += closingIndent + QLatin1Char('}');
        return;
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        if (array.isEmpty()) {
            out += QLatin1String("[]");
            return;
        }
        out += QLatin1String("[\n");
        for (qsizetype i = 0; i < array.size(); ++i) {
            out += indent;
            appendJson(out, array.at(i), depth + 1);
            out += i + 1 == array.size() ? QLatin1String("\n") : QLatin1String(",\n");
        }
        out += closingIndent + QLatin1Char(']');
        return;
    }
    case QJsonValue::Double: out += plainNumber(value.toDouble()); return;
    default: out += scalarJson(value); return;
    }
}

} // namespace

QString editableJson(const QJsonValue &value)
{
    QString out;
    appendJson(out, value, 0);
    out += QLatin1Char('\n');
    return out;
}

} // namespace kappa::console
