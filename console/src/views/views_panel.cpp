#include "views/views_panel.h"

#include "models/audit_model.h"
#include "models/versions_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace kappa::console {

namespace {

QTableView *table(QAbstractItemModel *model, int sortRole, int sortColumn, Qt::SortOrder order)
{
    auto *sorted = new QSortFilterProxyModel(model);
    sorted->setSourceModel(model);
    sorted->setSortRole(sortRole);
    auto *view = new QTableView;
    view->setModel(sorted);
    view->setSortingEnabled(true);
    view->sortByColumn(sortColumn, order);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setStretchLastSection(true);
    view->verticalHeader()->hide();
    return view;
}

QWidget *titled(const QString &title, QWidget *content)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
    label->setBuddy(content);
    layout->addWidget(label);
    layout->addWidget(content);
    return box;
}

} // namespace

ViewsPanel::ViewsPanel(QAbstractItemModel *versions, QAbstractItemModel *audit, QWidget *parent)
    : QWidget(parent)
{
    auto *aliasEntries = new QSortFilterProxyModel(this);
    aliasEntries->setSourceModel(audit);
    aliasEntries->setFilterKeyColumn(AuditModel::Action);
    aliasEntries->setFilterRegularExpression(QRegularExpression(QStringLiteral("^alias\\.")));
    QTableView *history = table(aliasEntries, AuditModel::SortRole, AuditModel::Seq, Qt::DescendingOrder);
    history->setObjectName(QStringLiteral("aliasHistory"));
    QTableView *list = table(versions, VersionsModel::SortRole, VersionsModel::Job, Qt::AscendingOrder);
    list->setObjectName(QStringLiteral("versions"));

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(titled(tr("Versions and their views"), list));
    splitter->addWidget(titled(tr("Alias history (newest first)"), history));
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
}

} // namespace kappa::console
