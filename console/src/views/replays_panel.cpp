#include "views/replays_panel.h"

#include "views/replay_rate_dialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace kappa::console {

ReplaysPanel::ReplaysPanel(ReplaysModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_sorted(new QSortFilterProxyModel(this))
    , m_table(new QTableView)
    , m_pause(new QPushButton(tr("&Pause")))
    , m_resume(new QPushButton(tr("&Resume")))
    , m_cancel(new QPushButton(tr("Ca&ncel…")))
    , m_rate(new QPushButton(tr("Change ra&te…")))
{
    m_sorted->setSourceModel(model);
    m_sorted->setSortRole(ReplaysModel::SortRole);
    m_table->setObjectName(QStringLiteral("replaysTable"));
    m_rate->setObjectName(QStringLiteral("changeReplayRate"));
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ReplaysModel::Id, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_pause);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_rate);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addLayout(buttons);

    connect(m_pause, &QPushButton::clicked, this, [this] { request(ReplayAction::Pause); });
    connect(m_resume, &QPushButton::clicked, this, [this] { request(ReplayAction::Resume); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { request(ReplayAction::Cancel); });
    connect(m_rate, &QPushButton::clicked, this, &ReplaysPanel::requestRateChange);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ReplaysPanel::updateButtons);
    // A refresh changes what the selected replay allows.
    connect(m_sorted, &QAbstractItemModel::dataChanged, this, &ReplaysPanel::updateButtons);
    connect(m_sorted, &QAbstractItemModel::modelReset, this, &ReplaysPanel::updateButtons);
    updateButtons();
}

QModelIndex ReplaysPanel::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QModelIndex() : rows.first();
}

void ReplaysPanel::updateButtons()
{
    const QModelIndex row = selected();
    const bool active = row.isValid() && row.data(ReplaysModel::ActiveRole).toBool();
    const bool paused = active && row.data(ReplaysModel::PausedRole).toBool();
    m_pause->setEnabled(active && !paused);
    m_resume->setEnabled(paused);
    m_cancel->setEnabled(active);
    m_rate->setEnabled(active);
}

void ReplaysPanel::request(ReplayAction action)
{
    const QModelIndex row = selected();
    if (!row.isValid())
        return;
    const qint64 id = row.data(ReplaysModel::ReplayIdRole).toLongLong();
    QString reason;
    if (action == ReplayAction::Cancel) {
        bool ok = false;
        const QString target = row.siblingAtColumn(ReplaysModel::Target).data().toString();
        reason
            = QInputDialog::getText(this, tr("Cancel replay %1").arg(id),
                                    tr("Cancel the replay of %1? Its version is marked cancelled and stops.\n"
                                       "Reason (for the audit log):")
                                        .arg(target),
                                    QLineEdit::Normal, QString(), &ok);
        if (!ok)
            return;
    }
    emit controlRequested(id, action, reason);
}

void ReplaysPanel::requestRateChange()
{
    const QModelIndex row = selected();
    if (!row.isValid())
        return;
    const ReplayInfo replay = m_model->replayAt(m_sorted->mapToSource(row).row());
    ReplayRateDialog dialog(replay, this);
    if (dialog.exec() == QDialog::Accepted)
        emit rateChangeRequested(replay.id, dialog.rateSettings());
}

} // namespace kappa::console
