// The Launch replay wizard's pages that say what the new version is: a
// version kappad knows, a spec file, or an edit of a built-in spec. Internal
// to the wizard (launch_replay_wizard.cpp); they branch off LaunchSourcePage
// and all go on to the start point.
#pragma once

class QWizardPage;

namespace kappa::console {

class LaunchReplayWizard;

QWizardPage *createKnownVersionPage(LaunchReplayWizard *wizard);
QWizardPage *createSpecFilePage(LaunchReplayWizard *wizard);
QWizardPage *createEditSpecPage(LaunchReplayWizard *wizard);

} // namespace kappa::console
