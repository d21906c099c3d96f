// PreflightChecksModel: the checks of a launch's pre-flight (version, range,
// schema, rate), one row each with its verdict and what kappad found.
#pragma once

#include "client/workflow_types.h"
#include "models/formatting.h"

#include <QAbstractTableModel>

namespace kappa::console {

// A pre-flight check's name as people read it ("version" → "Version is new").
QString preflightCheckText(const QString &name);

class PreflightChecksModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Check, Result, Detail, ColumnCount };
    static constexpr int OkRole = Qt::UserRole + 1; // bool, on every cell

    explicit PreflightChecksModel(QObject *parent = nullptr);

    void setPreflight(const Preflight &preflight);
    void clear();

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<PreflightCheck> m_checks;
};

} // namespace kappa::console
