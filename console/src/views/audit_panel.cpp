#include "views/audit_panel.h"

#include "models/audit_model.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace kappa::console {

AuditPanel::AuditPanel(QAbstractItemModel *audit, QWidget *parent)
    : QWidget(parent)
    , m_verify(new QPushButton(tr("&Verify the hash chain")))
    , m_verdict(new QLabel)
{
    auto *filtered = new QSortFilterProxyModel(this);
    filtered->setSourceModel(audit);
    filtered->setSortRole(AuditModel::SortRole);
    filtered->setFilterKeyColumn(-1); // any column
    filtered->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auto *table = new QTableView;
    table->setObjectName(QStringLiteral("auditLog"));
    table->setModel(filtered);
    table->setSortingEnabled(true);
    table->sortByColumn(AuditModel::Seq, Qt::DescendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();

    auto *filter = new QLineEdit;
    filter->setObjectName(QStringLiteral("auditFilter"));
    filter->setPlaceholderText(tr("Filter: who, action, subject or detail"));
    filter->setClearButtonEnabled(true);
    connect(filter, &QLineEdit::textChanged, filtered, &QSortFilterProxyModel::setFilterFixedString);
    auto *filterLabel = new QLabel(tr("&Filter:"));
    filterLabel->setBuddy(filter);

    m_verify->setObjectName(QStringLiteral("verifyAudit"));
    m_verify->setToolTip(tr("kappad recomputes every entry's SHA-256 from the first one"));
    connect(m_verify, &QPushButton::clicked, this, [this] {
        m_verify->setEnabled(false);
        m_verdict->setText(tr("Verifying…"));
        emit verifyRequested();
    });
    m_verdict->setObjectName(QStringLiteral("auditVerdict"));
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *bar = new QHBoxLayout;
    bar->addWidget(filterLabel);
    bar->addWidget(filter, 1);
    bar->addWidget(m_verify);
    bar->addWidget(m_verdict, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(table);
}

void AuditPanel::showVerification(const AuditVerification &verification)
{
    m_verify->setEnabled(true);
    const QString entries = QLocale().toString(verification.entries);
    if (verification.ok) {
        m_verdict->setStyleSheet(QStringLiteral("color: #1b5e20;"));
        m_verdict->setText(tr("✔ All %1 entries verify: none was changed or removed.").arg(entries));
        return;
    }
    m_verdict->setStyleSheet(QStringLiteral("color: #b71c1c; font-weight: bold;"));
    m_verdict->setText(tr("✘ The chain breaks at entry %1 of %2: %3")
                           .arg(verification.firstBadSeq.value_or(0))
                           .arg(entries, verification.problem));
}

void AuditPanel::showVerificationFailed(const QString &message)
{
    m_verify->setEnabled(true);
    m_verdict->setStyleSheet(QString());
    m_verdict->setText(tr("Not verified: %1").arg(message));
}

} // namespace kappa::console
