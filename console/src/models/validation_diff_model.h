// ValidationDiffModel: a validation's key-level differences as a tree, one
// top-level row per sampled key and under it one row per differing field,
// for review with a QSortFilterProxyModel (filter by key or field text, or by
// FieldRole for one field). Fed a whole validation; every new one resets it.
#pragma once

#include "client/workflow_types.h"

#include <QAbstractItemModel>

namespace kappa::console {

// A diff's value as people read it: numbers and strings as they are, arrays
// and objects as compact JSON, null as an em dash (the version lacks the field).
QString formatJsonValue(const QJsonValue &value);
// The key of `job`'s diffs: a user or card id, or for business_metrics the
// window (UTC) and category that key = window_start_ms * 1000 + category stands for.
QString diffKeyText(const QString &job, qint64 key);

class ValidationDiffModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { KeyOrField, Samples, Live, Candidate, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    // On every cell: the key (qint64); the field (QString, empty on a key's row).
    static constexpr int KeyRole = Qt::UserRole + 2;
    static constexpr int FieldRole = Qt::UserRole + 3;

    explicit ValidationDiffModel(QObject *parent = nullptr);

    void setValidation(const ValidationInfo &validation);
    // Every differing field, sorted, for a filter's choices.
    QStringList fields() const;
    int keyCount() const { return static_cast<int>(m_keys.size()); }

    QModelIndex index(int row, int column, const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Key
    {
        qint64 key = 0;
        QStringList samples;
        QList<ValidationDiff> diffs;
    };
    // internalId of a key's row; a field's row carries its key's row + 1.
    static constexpr quintptr kKeyRow = 0;

    QVariant keyData(const Key &key, int column, int role) const;
    QVariant fieldData(const Key &key, const ValidationDiff &diff, int column, int role) const;

    QString m_job;
    QList<Key> m_keys;
};

} // namespace kappa::console
