// ViewsPanel: the Views page — every job version with its state, whether
// the alias serves it and its size, and below it the alias history (the
// alias.* entries of the audit log: every set, switch and rollback).
#pragma once

#include <QWidget>

class QAbstractItemModel;

namespace kappa::console {

class ViewsPanel : public QWidget
{
    Q_OBJECT

public:
    // `versions`: a VersionsModel; `audit`: an AuditModel (filtered here to the alias entries).
    ViewsPanel(QAbstractItemModel *versions, QAbstractItemModel *audit, QWidget *parent = nullptr);
};

} // namespace kappa::console
