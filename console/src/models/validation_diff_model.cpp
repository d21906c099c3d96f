#include "models/validation_diff_model.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>

namespace kappa::console {

QString formatJsonValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return QStringLiteral("—");
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', 12);
    case QJsonValue::String: return value.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

QString diffKeyText(const QString &job, qint64 key)
{
    if (job != QLatin1String("business_metrics"))
        return QString::number(key);
    const qint64 windowMs = key / 1000;
    const qint64 category = key % 1000;
    const QString window = QDateTime::fromMSecsSinceEpoch(windowMs, Qt::UTC)
                               .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    return ValidationDiffModel::tr("window %1, category %2").arg(window).arg(category);
}

ValidationDiffModel::ValidationDiffModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

void ValidationDiffModel::setValidation(const ValidationInfo &validation)
{
    beginResetModel();
    m_job = validation.job;
    m_keys.clear();
    QHash<qint64, qsizetype> rowOf;
    for (const ValidationDiff &diff : validation.diffs) {
        auto found = rowOf.constFind(diff.key);
        if (found == rowOf.constEnd()) {
            found = rowOf.insert(diff.key, m_keys.size());
            m_keys.append(Key{diff.key, {}, {}});
        }
        Key &key = m_keys[*found];
        for (const QString &sample : diff.samples)
            if (!key.samples.contains(sample))
                key.samples.append(sample);
        key.diffs.append(diff);
    }
    endResetModel();
}

QStringList ValidationDiffModel::fields() const
{
    QSet<QString> seen;
    for (const Key &key : m_keys)
        for (const ValidationDiff &diff : key.diffs)
            seen.insert(diff.field);
    QStringList out(seen.begin(), seen.end());
    out.sort();
    return out;
}

QModelIndex ValidationDiffModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kKeyRow);
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex ValidationDiffModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kKeyRow)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kKeyRow);
}

int ValidationDiffModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_keys.size());
    if (parent.internalId() != kKeyRow || parent.column() != 0)
        return 0;
    return static_cast<int>(m_keys[parent.row()].diffs.size());
}

int ValidationDiffModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ValidationDiffModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kKeyRow)
        return keyData(m_keys[index.row()], index.column(), role);
    const Key &key = m_keys[static_cast<qsizetype>(index.internalId() - 1)];
    return fieldData(key, key.diffs[index.row()], index.column(), role);
}

QVariant ValidationDiffModel::keyData(const Key &key, int column, int role) const
{
    switch (role) {
    case KeyRole: return key.key;
    case FieldRole: return QString();
    case Qt::DisplayRole:
        switch (column) {
        case KeyOrField: return diffKeyText(m_job, key.key);
        case Samples: return key.samples.join(QStringLiteral(", "));
        case Live:
            return key.diffs.size() == 1 ? tr("1 differing field")
                                         : tr("%1 differing fields").arg(key.diffs.size());
        default: return {};
        }
    case SortRole:
        switch (column) {
        case KeyOrField: return key.key;
        case Samples: return key.samples.join(QStringLiteral(", "));
        case Live: return static_cast<int>(key.diffs.size());
        default: return {};
        }
    case Qt::ToolTipRole:
        return tr("Key %1, picked by the samples: %2").arg(key.key).arg(key.samples.join(QStringLiteral(", ")));
    default: return {};
    }
}

QVariant ValidationDiffModel::fieldData(const Key &key, const ValidationDiff &diff, int column, int role) const
{
    const bool noRow = diff.field == QLatin1String("(row)");
    switch (role) {
    case KeyRole: return key.key;
    case FieldRole: return diff.field;
    case Qt::DisplayRole:
    case SortRole:
        switch (column) {
        case KeyOrField: return noRow ? tr("(the candidate has no row)") : diff.field;
        case Samples: return role == SortRole ? QVariant(QString()) : QVariant();
        case Live: return formatJsonValue(diff.live);
        case Candidate: return formatJsonValue(diff.candidate);
        default: return {};
        }
    case Qt::ToolTipRole:
        if (column == Live || column == Candidate)
            return formatJsonValue(column == Live ? diff.live : diff.candidate);
        return {};
    default: return {};
    }
}

QVariant ValidationDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyOrField: return tr("Key / field");
    case Samples: return tr("Picked by");
    case Live: return tr("Live");
    case Candidate: return tr("Candidate");
    default: return {};
    }
}

} // namespace kappa::console
