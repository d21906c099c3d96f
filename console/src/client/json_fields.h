// Internal to the client: reading kappad's JSON answers field by field, so
// that a malformed answer becomes one BadAnswer that names the first missing
// or mistyped field by its path ("jobs[1].versions[0].state"). Used by the
// decoders (api_decode.cpp, workflow_decode.cpp, dashboard_decode.cpp); not
// for models or views.
#pragma once

#include "client/api_decode.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace kappa::console {

// Reads fields of one JSON object and remembers the first one that is
// missing or of the wrong type, by its path ("jobs[1].versions[0].state").
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString path, QString *firstError)
        : m_object(object)
        , m_path(std::move(path))
        , m_error(firstError)
    {}

    QString string(const char *name) { return value(name, QJsonValue::String).toString(); }
    bool boolean(const char *name) { return value(name, QJsonValue::Bool).toBool(); }
    double number(const char *name) { return value(name, QJsonValue::Double).toDouble(); }
    qint64 integer(const char *name) { return static_cast<qint64>(number(name)); }
    QJsonObject object(const char *name) { return value(name, QJsonValue::Object).toObject(); }
    QJsonArray array(const char *name) { return value(name, QJsonValue::Array).toArray(); }
    // A value of any type, null included; only a missing field is an error.
    QJsonValue any(const char *name)
    {
        const QJsonValue found = m_object.value(QLatin1String(name));
        if (found.isUndefined() && m_error->isEmpty())
            *m_error = path(name) + " is missing";
        return found;
    }
    bool isNull(const char *name) const { return !m_object.contains(name) || m_object.value(name).isNull(); }
    QString path(const char *name) const { return m_path.isEmpty() ? QString(name) : m_path + "." + name; }

private:
    QJsonValue value(const char *name, QJsonValue::Type type)
    {
        const QJsonValue found = m_object.value(QLatin1String(name));
        if (found.type() != type && m_error->isEmpty())
            *m_error = found.isUndefined() ? path(name) + " is missing" : path(name) + " has the wrong type";
        return found;
    }

    QJsonObject m_object;
    QString m_path;
    QString *m_error;
};

inline ApiError badAnswer(const QString &what)
{
    return ApiError{QStringLiteral("BadAnswer"), QStringLiteral("kappad's answer: %1").arg(what), 0};
}

inline std::optional<QJsonObject> parseObject(const QByteArray &body, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not JSON (%1)").arg(parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    return document.object();
}

// Parses `body` as a JSON object and reads it with `read(reader, error)`; the
// first missing or mistyped field (recorded in `error`) makes it a BadAnswer.
template<typename T, typename Read>
Decoded<T> decodeObject(const QByteArray &body, Read read)
{
    QString error;
    const std::optional<QJsonObject> root = parseObject(body, &error);
    if (!root)
        return badAnswer(error);
    FieldReader in(*root, QString(), &error);
    T value = read(in, &error);
    if (!error.isEmpty())
        return badAnswer(error);
    return value;
}

// A version's figures (the VersionFigures object of /jobs and of the stream's
// snapshots); defined in api_decode.cpp.
VersionFigures decodeFigures(FieldReader &&in, QString *error);

} // namespace kappa::console
