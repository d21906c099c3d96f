// Pieces the reprocessing wizards share: a status line that shows a busy
// state, a result or kappad's refusal; the typed confirmation of a job name; and how an ApiError reads.
#pragma once

#include "client/workflow_types.h"
#include "views/throttle_fields.h"

#include <QWidget>
#include <QWizardPage>

class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;

namespace kappa::console {

// An ApiError as the operator reads it: kappad's refusal with its code and
// message, or that kappad could not be reached.
QString errorText(const ApiError &error);
// Whether `what` (the call's name in failed/actionFailed) is `call`.
bool isCall(const QString &what, const char *call);
// The version states from which kappad does not replay or rebuild a version.
bool isFinalVersionState(const QString &state);

// A line under a page's content: nothing, a busy indicator with what is
// awaited, a message, a success or an error (in red, selectable).
class StatusLine : public QWidget
{
    Q_OBJECT

public:
    enum class Kind { None, Busy, Info, Success, Error };

    explicit StatusLine(QWidget *parent = nullptr);

    void showBusy(const QString &text);
    void showInfo(const QString &text);
    void showSuccess(const QString &text);
    void showError(const QString &text);
    void clear();

    Kind kind() const { return m_kind; }
    QString text() const;

private:
    void show(Kind kind, const QString &text);

    Kind m_kind = Kind::None;
    QProgressBar *m_busy;
    QLabel *m_text;
};

// "Type the job's name to confirm": complete once something is typed,
// validatePage() accepts only the exact name (and says so otherwise).
class ConfirmJobPage : public QWizardPage
{
    Q_OBJECT

public:
    // `field`: the name of the registered typed-name field.
    ConfirmJobPage(const QString &field, QWidget *parent = nullptr);

    void setJob(const QString &job);
    QString job() const { return m_job; }
    // What the confirmation is about, above the typed name.
    void setExplanation(const QString &text);
    // Optional widgets below the typed name (a reason).
    void addRow(const QString &label, QWidget *field);

    bool validatePage() override;

private:
    QString m_job;
    QLabel *m_explanation;
    QLabel *m_prompt;
    QLineEdit *m_typed;
    QFormLayout *m_form;
    StatusLine *m_status;
};

} // namespace kappa::console
