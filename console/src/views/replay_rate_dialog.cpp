#include "views/replay_rate_dialog.h"

#include "views/throttle_fields.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace kappa::console {

ReplayRateDialog::ReplayRateDialog(const ReplayInfo &replay, QWidget *parent)
    : QDialog(parent)
    , m_fields(new ThrottleFields)
    , m_problem(new QLabel)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("Change the rate of replay %1").arg(replay.id));
    m_fields->rateMultiple()->setValue(replay.rateMultiple);
    m_fields->maxRate()->setValue(replay.maxRate);
    m_fields->minRate()->setValue(replay.minRate);

    const QLocale locale;
    auto *intro = new QLabel(tr("%1@%2 now reads %3 events/s; live ingest is %4 events/s.")
                                 .arg(replay.job, replay.version, locale.toString(replay.currentRate, 'f', 0),
                                      locale.toString(replay.ingestRate, 'f', 0)));
    intro->setWordWrap(true);
    m_problem->setWordWrap(true);
    m_problem->setObjectName(QStringLiteral("rateProblem"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("C&hange rate"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_fields);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_fields, &ThrottleFields::changed, this, &ReplayRateDialog::updateProblem);
    updateProblem();
}

RateSettings ReplayRateDialog::rateSettings() const
{
    return m_fields->rateSettings();
}

void ReplayRateDialog::updateProblem()
{
    const QString problem = m_fields->problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace kappa::console
