// Job specs as the Launch replay wizard handles them: the built-in ones
// (resources/jobs/*.json, embedded like kappad embeds them) to start an
// edit from, and the local checks of a spec before kappad sees it.
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace kappa::console {

// The built-in specs of `job` (all jobs when empty), ordered by job and version.
QList<QJsonObject> builtinSpecs(const QString &job = QString());
// Whether kappad accepts `version` as a version name: 1-64 characters of [A-Za-z0-9._-].
bool isValidVersionName(const QString &version);
// Why `spec` cannot be launched for `job`, for people; empty when it can be sent
// (kappad's own checks of the parameters still apply).
QString specProblem(const QJsonObject &spec, const QString &job);
// `value` as indented JSON for a person to read and edit. Unlike
// QJsonDocument::toJson, numbers keep plain decimal notation (0.0008, not
// 8e-04), as the built-in specs write them.
QString editableJson(const QJsonValue &value);

} // namespace kappa::console
