#include "wizards/wizard_support.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QVBoxLayout>

namespace kappa::console {

QString errorText(const ApiError &error)
{
    if (error.code == QLatin1String("Unreachable"))
        return StatusLine::tr("kappad cannot be reached: %1").arg(error.message);
    if (error.code == QLatin1String("BadAnswer"))
        return StatusLine::tr("kappad answered something the console does not understand: %1")
            .arg(error.message);
    if (error.httpStatus == 401)
        return StatusLine::tr("kappad does not accept the console's token (%1).").arg(error.message);
    if (error.httpStatus == 403)
        return StatusLine::tr("The console's token may not do this: %1").arg(error.message);
    if (error.httpStatus == 0)
        return StatusLine::tr("%1: %2").arg(error.code, error.message);
    return StatusLine::tr("kappad refused (%1 %2): %3").arg(error.httpStatus).arg(error.code, error.message);
}

bool isCall(const QString &what, const char *call)
{
    return what == QLatin1String(call);
}

bool isFinalVersionState(const QString &state)
{
    return state == QLatin1String("retired") || state == QLatin1String("failed")
           || state == QLatin1String("cancelled");
}

StatusLine::StatusLine(QWidget *parent)
    : QWidget(parent)
    , m_busy(new QProgressBar)
    , m_text(new QLabel)
{
    m_busy->setRange(0, 0); // indeterminate
    m_busy->setMaximumWidth(120);
    m_busy->setTextVisible(false);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_busy, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    clear();
}

void StatusLine::show(Kind kind, const QString &text)
{
    m_kind = kind;
    m_busy->setVisible(kind == Kind::Busy);
    m_text->setText(text);
    switch (kind) {
    case Kind::Error: m_text->setStyleSheet(QStringLiteral("color: #b01c1c; font-weight: bold;")); break;
    case Kind::Success: m_text->setStyleSheet(QStringLiteral("color: #1b7f3b; font-weight: bold;")); break;
    default: m_text->setStyleSheet(QString()); break;
    }
    setVisible(kind != Kind::None);
}

void StatusLine::showBusy(const QString &text)
{
    show(Kind::Busy, text);
}

void StatusLine::showInfo(const QString &text)
{
    show(Kind::Info, text);
}

void StatusLine::showSuccess(const QString &text)
{
    show(Kind::Success, text);
}

void StatusLine::showError(const QString &text)
{
    show(Kind::Error, text);
}

void StatusLine::clear()
{
    show(Kind::None, QString());
}

QString StatusLine::text() const
{
    return m_text->text();
}

ConfirmJobPage::ConfirmJobPage(const QString &field, QWidget *parent)
    : QWizardPage(parent)
    , m_explanation(new QLabel)
    , m_prompt(new QLabel)
    , m_typed(new QLineEdit)
    , m_form(new QFormLayout)
    , m_status(new StatusLine)
{
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::RichText);
    m_prompt->setWordWrap(true);
    m_prompt->setBuddy(m_typed);
    m_typed->setClearButtonEnabled(true);
    registerField(field + QLatin1Char('*'), m_typed);
    connect(m_typed, &QLineEdit::textChanged, m_status, &StatusLine::clear);

    m_form->addRow(m_prompt);
    m_form->addRow(m_typed);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_explanation);
    layout->addSpacing(8);
    layout->addLayout(m_form);
    layout->addStretch();
    layout->addWidget(m_status);
}

void ConfirmJobPage::setJob(const QString &job)
{
    m_job = job;
    m_prompt->setText(tr("To confirm, &type the name of the job (%1):").arg(job));
    m_typed->clear();
    m_status->clear();
}

void ConfirmJobPage::setExplanation(const QString &text)
{
    m_explanation->setText(text);
}

void ConfirmJobPage::addRow(const QString &label, QWidget *field)
{
    m_form->addRow(label, field);
}

bool ConfirmJobPage::validatePage()
{
    if (m_typed->text() == m_job)
        return true;
    m_status->showError(tr("That is not the job's name. Type %1 exactly (it is case-sensitive).").arg(m_job));
    m_typed->selectAll();
    m_typed->setFocus();
    return false;
}

} // namespace kappa::console
