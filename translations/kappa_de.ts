<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>kappa::console::AggregateChart</name>
    <message>
        <source>score PSI</source>
        <translation>Score-PSI</translation>
    </message>
    <message>
        <source>within tolerance</source>
        <translation>innerhalb der Toleranz</translation>
    </message>
    <message>
        <source>outside tolerance</source>
        <translation>außerhalb der Toleranz</translation>
    </message>
    <message>
        <source>allowed</source>
        <translation>zulässig</translation>
    </message>
    <message>
        <source>PSI</source>
        <translation>PSI</translation>
    </message>
    <message>
        <source>delta (%)</source>
        <translation>Abweichung (%)</translation>
    </message>
</context>
<context>
    <name>kappa::console::ApproveResultPage</name>
    <message>
        <source>Switch</source>
        <translation>Umschaltung</translation>
    </message>
    <message>
        <source>Switched: %1 now serves from %2 (%3 stays warm for a rollback).</source>
        <translation>Umgeschaltet: %1 wird jetzt aus %2 bedient (%3 bleibt für ein Rollback betriebsbereit).</translation>
    </message>
    <message>
        <source>Checking the alias…</source>
        <translation>Alias wird geprüft…</translation>
    </message>
    <message>
        <source>Request %1 is %2: %3</source>
        <translation>Anfrage %1 ist %2: %3</translation>
    </message>
    <message>
        <source>kappad did not switch. %1</source>
        <translation>kappad hat nicht umgeschaltet. %1</translation>
    </message>
    <message>
        <source>The alias %1 names %2 now.</source>
        <translation>Der Alias %1 verweist jetzt auf %2.</translation>
    </message>
    <message>
        <source>The alias %1 names %2 now (changed again since).</source>
        <translation>Der Alias %1 verweist jetzt auf %2 (seitdem erneut geändert).</translation>
    </message>
    <message>
        <source>Switching %1 from %2 to %3…</source>
        <translation>%1 wird von %2 auf %3 umgeschaltet…</translation>
    </message>
    <message>
        <source>What kappad answered.</source>
        <translation>Was kappad geantwortet hat.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ApproveSwitchWizard</name>
    <message>
        <source>Approve switch</source>
        <translation>Umschaltung freigeben</translation>
    </message>
    <message>
        <source>The console&apos;s token (%1) has the role %2: approving needs an approver&apos;s or an admin&apos;s token.</source>
        <translation>Das Token der Konsole (%1) hat die Rolle %2: Zum Freigeben ist das Token eines Freigebers oder Administrators erforderlich.</translation>
    </message>
    <message>
        <source>You (%1) requested this switch: another person must approve it (four-eyes).</source>
        <translation>Sie (%1) haben diese Umschaltung angefordert: Eine andere Person muss sie freigeben (Vier-Augen-Prinzip).</translation>
    </message>
    <message>
        <source>You (%1) launched the replay of %2: another person must approve the switch (four-eyes).</source>
        <translation>Sie (%1) haben das Replay von %2 gestartet: Eine andere Person muss die Umschaltung freigeben (Vier-Augen-Prinzip).</translation>
    </message>
</context>
<context>
    <name>kappa::console::AuditModel</name>
    <message>
        <source>hash %1</source>
        <translation>Hash %1</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>kappa::console::AuditPanel</name>
    <message>
        <source>&amp;Verify the hash chain</source>
        <translation>Hash-Kette &amp;prüfen</translation>
    </message>
    <message>
        <source>Filter: who, action, subject or detail</source>
        <translation>Filter: Wer, Aktion, Objekt oder Details</translation>
    </message>
    <message>
        <source>&amp;Filter:</source>
        <translation>&amp;Filter:</translation>
    </message>
    <message>
        <source>kappad recomputes every entry&apos;s SHA-256 from the first one</source>
        <translation>kappad berechnet den SHA-256 jedes Eintrags ab dem ersten neu</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>✔ All %1 entries verify: none was changed or removed.</source>
        <translation>✔ Alle %1 Einträge sind gültig: Keiner wurde geändert oder entfernt.</translation>
    </message>
    <message>
        <source>✘ The chain breaks at entry %1 of %2: %3</source>
        <translation>✘ Die Kette bricht bei Eintrag %1 von %2: %3</translation>
    </message>
    <message>
        <source>Not verified: %1</source>
        <translation>Nicht geprüft: %1</translation>
    </message>
</context>
<context>
    <name>kappa::console::CheckpointChart</name>
    <message>
        <source>duration (ms)</source>
        <translation>Dauer (ms)</translation>
    </message>
    <message>
        <source>checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <source>p99 %1 ms</source>
        <translation>p99 %1 ms</translation>
    </message>
</context>
<context>
    <name>kappa::console::ConfirmApprovalPage</name>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>&amp;Approve and switch</source>
        <translation>&amp;Freigeben und umschalten</translation>
    </message>
    <message>
        <source>Approving moves the alias of &lt;b&gt;%1&lt;/b&gt; from %2 to &lt;b&gt;%3&lt;/b&gt; at once: every read after that is answered by %3. %2 stays warm during the rollback window.</source>
        <translation>Die Freigabe verschiebt den Alias von &lt;b&gt;%1&lt;/b&gt; sofort von %2 auf &lt;b&gt;%3&lt;/b&gt;: Jeder anschließende Lesezugriff wird von %3 beantwortet. %2 bleibt während des Rollback-Zeitfensters betriebsbereit.</translation>
    </message>
    <message>
        <source>Type the name of the job to approve the switch.</source>
        <translation>Geben Sie den Namen des Jobs ein, um die Umschaltung freizugeben.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ConfirmJobPage</name>
    <message>
        <source>To confirm, &amp;type the name of the job (%1):</source>
        <translation>Geben Sie zur Bestätigung den Namen des Jobs &amp;ein (%1):</translation>
    </message>
    <message>
        <source>That is not the job&apos;s name. Type %1 exactly (it is case-sensitive).</source>
        <translation>Das ist nicht der Name des Jobs. Geben Sie genau %1 ein (Groß-/Kleinschreibung wird beachtet).</translation>
    </message>
</context>
<context>
    <name>kappa::console::ConfirmLaunchPage</name>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>Launching registers the version and starts reading the log. The live version keeps serving; the replay is in the audit log under your token&apos;s name.</source>
        <translation>Beim Starten wird die Version registriert und das Lesen des Logs beginnt. Die Live-Version bedient weiterhin Anfragen; das Replay wird im Audit-Log unter dem Namen Ihres Tokens erfasst.</translation>
    </message>
    <message>
        <source>&amp;Launch</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>the known version %1</source>
        <translation>der bekannten Version %1</translation>
    </message>
    <message>
        <source>the spec file %1</source>
        <translation>der Spec-Datei %1</translation>
    </message>
    <message>
        <source>an edit of %1</source>
        <translation>einer Bearbeitung von %1</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>%1@%2, from %3</source>
        <translation>%1@%2, aus %3</translation>
    </message>
    <message>
        <source>the earliest event</source>
        <translation>das früheste Ereignis</translation>
    </message>
    <message>
        <source>offset %1 in every partition</source>
        <translation>Offset %1 in jeder Partition</translation>
    </message>
    <message>
        <source>%1 (UTC)</source>
        <translation>%1 (UTC)</translation>
    </message>
    <message>
        <source>%1 back from now</source>
        <translation>%1 vor dem aktuellen Zeitpunkt</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>k = %1, cap %2, floor %3 events/s</source>
        <translation>k = %1, Obergrenze %2, Untergrenze %3 events/s</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Spec</source>
        <translation>Spec</translation>
    </message>
</context>
<context>
    <name>kappa::console::ConfirmRebuildPage</name>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>&amp;Rebuild</source>
        <translation>&amp;Neu aufbauen</translation>
    </message>
    <message>
        <source>&lt;p&gt;The views and state of &lt;b&gt;%1@%2&lt;/b&gt; are deleted, and the log is replayed into them from the start at k = %3 (cap %4, floor %5 events/s).&lt;/p&gt;&lt;p&gt;%6&lt;/p&gt;</source>
        <translation>&lt;p&gt;Die Views und der Zustand von &lt;b&gt;%1@%2&lt;/b&gt; werden gelöscht, und das Log wird von Anfang an mit k = %3 (Obergrenze %4, Untergrenze %5 events/s) erneut eingespielt.&lt;/p&gt;&lt;p&gt;%6&lt;/p&gt;</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Until it has caught up, its reads answer 503 (Unavailable).</source>
        <translation>Bis sie aufgeholt hat, beantwortet sie Lesezugriffe mit 503 (Unavailable).</translation>
    </message>
    <message>
        <source>Until it has caught up, %1 answers its reads.</source>
        <translation>Bis sie aufgeholt hat, beantwortet %1 ihre Lesezugriffe.</translation>
    </message>
    <message>
        <source>Type the name of the job to start the rebuild.</source>
        <translation>Geben Sie den Namen des Jobs ein, um den Neuaufbau zu starten.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ConfirmRollbackPage</name>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>&amp;Roll back</source>
        <translation>&amp;Rollback ausführen</translation>
    </message>
    <message>
        <source>optional, for the audit log</source>
        <translation>optional, für das Audit-Log</translation>
    </message>
    <message>
        <source>Rea&amp;son:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>Rolling back moves the alias of &lt;b&gt;%1&lt;/b&gt; from %2 back to &lt;b&gt;%3&lt;/b&gt; at once: every read after that is answered by %3, and %2 stays warm in turn. The switch was at %4 (%5); kappad refuses when its rollback window is over.</source>
        <translation>Ein Rollback verschiebt den Alias von &lt;b&gt;%1&lt;/b&gt; sofort von %2 zurück auf &lt;b&gt;%3&lt;/b&gt;: Jeder anschließende Lesezugriff wird von %3 beantwortet, und %2 bleibt seinerseits betriebsbereit. Die Umschaltung erfolgte um %4 (%5); kappad lehnt ab, wenn das Rollback-Zeitfenster abgelaufen ist.</translation>
    </message>
    <message>
        <source>Type the name of the job to roll it back.</source>
        <translation>Geben Sie den Namen des Jobs ein, um ihn zurückzurollen.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ConnectionBar</name>
    <message>
        <source>Re&amp;member token</source>
        <translation>Token &amp;merken</translation>
    </message>
    <message>
        <source>Start local &amp;demo</source>
        <translation>Lokale &amp;Demo starten</translation>
    </message>
    <message>
        <source>kappad&apos;s URL; the list holds the connections that worked</source>
        <translation>URL von kappad; die Liste enthält die Verbindungen, die funktioniert haben</translation>
    </message>
    <message>
        <source>token (empty: anonymous viewer)</source>
        <translation>Token (leer: anonymer Betrachter)</translation>
    </message>
    <message>
        <source>From &amp;file…</source>
        <translation>Aus &amp;Datei…</translation>
    </message>
    <message>
        <source>Read the token from a file, such as the demo&apos;s demo-operator.token</source>
        <translation>Token aus einer Datei lesen, etwa aus demo-operator.token der Demo</translation>
    </message>
    <message>
        <source>Keep the token in the console&apos;s settings file (plain text, readable by your account). Without it only the URL and the token file&apos;s path are kept.</source>
        <translation>Token in der Einstellungsdatei der Konsole speichern (Klartext, für Ihr Konto lesbar). Andernfalls werden nur die URL und der Pfad der Token-Datei gespeichert.</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Run kappad --demo on a temporary directory and connect to it</source>
        <translation>kappad --demo in einem temporären Verzeichnis ausführen und sich damit verbinden</translation>
    </message>
    <message>
        <source>&amp;kappad:</source>
        <translation>&amp;kappad:</translation>
    </message>
    <message>
        <source>Token file</source>
        <translation>Token-Datei</translation>
    </message>
    <message>
        <source>Cannot read the token file %1: %2</source>
        <translation>Die Token-Datei %1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>kappa::console::EventStream</name>
    <message>
        <source>no event and no keep-alive from kappad for %1 s</source>
        <translation>seit %1 s kein Ereignis und kein Keep-alive von kappad</translation>
    </message>
    <message>
        <source>kappad ended the event stream</source>
        <translation>kappad hat den Ereignisstream beendet</translation>
    </message>
</context>
<context>
    <name>kappa::console::JobDashboardPage</name>
    <message>
        <source>%1 (%2, HTTP %3)</source>
        <translation>%1 (%2, HTTP %3)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>nicht verbunden</translation>
    </message>
    <message>
        <source>live updates are off</source>
        <translation>Live-Aktualisierungen sind aus</translation>
    </message>
    <message>
        <source>connecting to the live stream…</source>
        <translation>Verbindung zum Live-Stream wird hergestellt…</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message numerus="yes">
        <source>live stream lost (%1); reconnecting in %n s</source>
        <translation>
            <numerusform>Live-Stream verloren (%1); neue Verbindung in %n s</numerusform>
            <numerusform>Live-Stream verloren (%1); neue Verbindung in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>kappad refused the live stream: %1</source>
        <translation>kappad hat den Live-Stream abgelehnt: %1</translation>
    </message>
</context>
<context>
    <name>kappa::console::JobDashboardView</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>no running version</source>
        <translation>keine laufende Version</translation>
    </message>
    <message>
        <source>&amp;Job version:</source>
        <translation>&amp;Job-Version:</translation>
    </message>
    <message>
        <source>Lag status (Burrow)</source>
        <translation>Rückstandsstatus (Burrow)</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>Rückstand</translation>
    </message>
    <message>
        <source>Lag (time)</source>
        <translation>Rückstand (Zeit)</translation>
    </message>
    <message>
        <source>In / processed</source>
        <translation>Eingang / verarbeitet</translation>
    </message>
    <message>
        <source>Checkpoint p99</source>
        <translation>Checkpoint p99</translation>
    </message>
    <message>
        <source>State size</source>
        <translation>Zustandsgröße</translation>
    </message>
    <message>
        <source>Latency p50</source>
        <translation>Latenz p50</translation>
    </message>
    <message>
        <source>Latency p99</source>
        <translation>Latenz p99</translation>
    </message>
    <message>
        <source>Evaluated like LinkedIn&apos;s Burrow over the last %1 samples of each partition: OK when the lag reached zero or shrinks, WARN when it never shrinks, ERR when a partition stalls (no progress) or stops reporting.</source>
        <translation>Bewertet wie Burrow von LinkedIn über die letzten %1 Messwerte jeder Partition: OK, wenn der Rückstand null erreicht hat oder schrumpft, WARN, wenn er nie schrumpft, ERR, wenn eine Partition stockt (kein Fortschritt) oder keine Meldungen mehr liefert.</translation>
    </message>
    <message>
        <source>Consumer lag</source>
        <translation>Consumer-Rückstand</translation>
    </message>
    <message>
        <source>events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>events behind</source>
        <translation>Ereignisse im Rückstand</translation>
    </message>
    <message>
        <source>seconds behind</source>
        <translation>Sekunden im Rückstand</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>processed</source>
        <translation>verarbeitet</translation>
    </message>
    <message>
        <source>input</source>
        <translation>Eingang</translation>
    </message>
    <message>
        <source>events/s</source>
        <translation>events/s</translation>
    </message>
    <message>
        <source>Checkpoint duration</source>
        <translation>Checkpoint-Dauer</translation>
    </message>
    <message>
        <source>state store</source>
        <translation>Zustandsspeicher</translation>
    </message>
    <message>
        <source>Latency, append to visible</source>
        <translation>Latenz, Anhängen bis sichtbar</translation>
    </message>
    <message>
        <source>%1@%2 (live)</source>
        <translation>%1@%2 (live)</translation>
    </message>
    <message>
        <source>%1@%2 (%3)</source>
        <translation>%1@%2 (%3)</translation>
    </message>
    <message>
        <source>%1@%2 (not running)</source>
        <translation>%1@%2 (läuft nicht)</translation>
    </message>
    <message>
        <source>%1@%2</source>
        <translation>%1@%2</translation>
    </message>
    <message>
        <source>%1 events</source>
        <translation>%1 Ereignisse</translation>
    </message>
    <message>
        <source>%1 / %2 events/s</source>
        <translation>%1 / %2 events/s</translation>
    </message>
    <message>
        <source>Latency p99 (SLO %1)</source>
        <translation>Latenz p99 (SLO %1)</translation>
    </message>
    <message>
        <source>above the job&apos;s p99 objective</source>
        <translation>über dem p99-Ziel des Jobs</translation>
    </message>
    <message>
        <source>objective: at most %1 s</source>
        <translation>Ziel: höchstens %1 s</translation>
    </message>
    <message numerus="yes">
        <source>%n stalled</source>
        <translation>
            <numerusform>%n stockt</numerusform>
            <numerusform>%n stocken</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stopped</source>
        <translation>
            <numerusform>%n gestoppt</numerusform>
            <numerusform>%n gestoppt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n lagging</source>
        <translation>
            <numerusform>%n im Rückstand</numerusform>
            <numerusform>%n im Rückstand</numerusform>
        </translation>
    </message>
    <message>
        <source>unknown (no positions)</source>
        <translation>unbekannt (keine Positionen)</translation>
    </message>
    <message>
        <source>evaluating…</source>
        <translation>wird bewertet…</translation>
    </message>
    <message>
        <source>This kappad does not report the tasks&apos; positions in its stream, which the evaluation needs.</source>
        <translation>Dieser kappad meldet in seinem Stream nicht die Positionen der Tasks, die für die Bewertung nötig sind.</translation>
    </message>
</context>
<context>
    <name>kappa::console::JobSpecs</name>
    <message>
        <source>The spec names no job (&quot;job&quot; is missing or not a string).</source>
        <translation>Die Spec nennt keinen Job (&quot;job&quot; fehlt oder ist kein String).</translation>
    </message>
    <message>
        <source>The spec is for the job %1, not %2.</source>
        <translation>Die Spec gilt für den Job %1, nicht für %2.</translation>
    </message>
    <message>
        <source>The spec names no version (&quot;version&quot; is missing or not a string).</source>
        <translation>Die Spec nennt keine Version (&quot;version&quot; fehlt oder ist kein String).</translation>
    </message>
    <message>
        <source>The version name must be 1 to 64 letters, digits, dots, underscores or hyphens.</source>
        <translation>Der Versionsname muss aus 1 bis 64 Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen bestehen.</translation>
    </message>
    <message>
        <source>&quot;params&quot; must be a JSON object.</source>
        <translation>&quot;params&quot; muss ein JSON-Objekt sein.</translation>
    </message>
    <message>
        <source>&quot;description&quot; must be a string.</source>
        <translation>&quot;description&quot; muss ein String sein.</translation>
    </message>
    <message>
        <source>&quot;validation&quot; must be a JSON object.</source>
        <translation>&quot;validation&quot; muss ein JSON-Objekt sein.</translation>
    </message>
    <message>
        <source>The spec has a field kappad does not know: &quot;%1&quot;.</source>
        <translation>Die Spec enthält ein Feld, das kappad nicht kennt: &quot;%1&quot;.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LagEvaluation</name>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>WARN</source>
        <translation>WARN</translation>
    </message>
    <message>
        <source>ERR</source>
        <translation>ERR</translation>
    </message>
    <message>
        <source>lagging</source>
        <translation>im Rückstand</translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>stockt</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
</context>
<context>
    <name>kappa::console::LatencyHistogramChart</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>append to visible (log scale)</source>
        <translation>Anhängen bis sichtbar (log. Skala)</translation>
    </message>
    <message>
        <source>records</source>
        <translation>Datensätze</translation>
    </message>
    <message>
        <source>no records measured yet</source>
        <translation>noch keine Datensätze gemessen</translation>
    </message>
    <message>
        <source>p50 %1</source>
        <translation>p50 %1</translation>
    </message>
    <message>
        <source>p99 %1</source>
        <translation>p99 %1</translation>
    </message>
    <message>
        <source>SLO %1</source>
        <translation>SLO %1</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchEditSpecPage</name>
    <message>
        <source>Edit a spec</source>
        <translation>Spec bearbeiten</translation>
    </message>
    <message>
        <source>e.g. v3</source>
        <translation>z. B. v3</translation>
    </message>
    <message>
        <source>Based &amp;on:</source>
        <translation>Basiert &amp;auf:</translation>
    </message>
    <message>
        <source>New &amp;version name:</source>
        <translation>Neuer &amp;Versionsname:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>&amp;Parameters (JSON object):</source>
        <translation>&amp;Parameter (JSON-Objekt):</translation>
    </message>
    <message>
        <source>%1@%2</source>
        <translation>%1@%2</translation>
    </message>
    <message>
        <source>A version name is 1 to 64 letters, digits, dots, underscores or hyphens.</source>
        <translation>Ein Versionsname besteht aus 1 bis 64 Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen.</translation>
    </message>
    <message>
        <source>%1@%2 is registered already: choose another version name.</source>
        <translation>%1@%2 ist bereits registriert: Wählen Sie einen anderen Versionsnamen.</translation>
    </message>
    <message>
        <source>An edited spec needs a new version name, not the base&apos;s %1.</source>
        <translation>Eine bearbeitete Spec braucht einen neuen Versionsnamen, nicht den der Basis (%1).</translation>
    </message>
    <message>
        <source>The parameters are not JSON: %1 (at character %2).</source>
        <translation>Die Parameter sind kein JSON: %1 (bei Zeichen %2).</translation>
    </message>
    <message>
        <source>The parameters must be a JSON object: {…}.</source>
        <translation>Die Parameter müssen ein JSON-Objekt sein: {…}.</translation>
    </message>
    <message>
        <source>Start from a built-in or a registered version, give it a new name and change its parameters.</source>
        <translation>Gehen Sie von einer integrierten oder einer registrierten Version aus, geben Sie ihr einen neuen Namen und ändern Sie ihre Parameter.</translation>
    </message>
    <message>
        <source>Loading the specs of the registered versions…</source>
        <translation>Die Specs der registrierten Versionen werden geladen…</translation>
    </message>
    <message>
        <source>The spec of %1@%2 cannot be edited here: %3</source>
        <translation>Die Spec von %1@%2 kann hier nicht bearbeitet werden: %3</translation>
    </message>
    <message>
        <source>%1@%2 (registered)</source>
        <translation>%1@%2 (registriert)</translation>
    </message>
    <message>
        <source>A registered version&apos;s spec could not be loaded, so it is not in the list. %1</source>
        <translation>Die Spec einer registrierten Version konnte nicht geladen werden und fehlt daher in der Liste. %1</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchJobPage</name>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Which job gets a new version? Its live version keeps serving while the replay runs.</source>
        <translation>Welcher Job erhält eine neue Version? Seine Live-Version bedient weiter Lesezugriffe, während das Replay läuft.</translation>
    </message>
    <message>
        <source>&amp;Job:</source>
        <translation>&amp;Job:</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No live version: a replay needs one to compare with.</source>
        <translation>Keine Live-Version: Ein Replay braucht eine zum Vergleich.</translation>
    </message>
    <message>
        <source>Live: %1. Versions: %2.</source>
        <translation>Live: %1. Versionen: %2.</translation>
    </message>
    <message>
        <source>kappad has not reported this job.</source>
        <translation>kappad hat diesen Job nicht gemeldet.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchKnownVersionPage</name>
    <message>
        <source>Known version</source>
        <translation>Bekannte Version</translation>
    </message>
    <message>
        <source>kappad knows the built-in versions of each job; a version is replayed once, so one that is registered already cannot be launched again.</source>
        <translation>kappad kennt die eingebauten Versionen jedes Jobs; jede Version durchläuft nur ein Replay, daher kann eine bereits registrierte Version nicht erneut gestartet werden.</translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation>&amp;Version:</translation>
    </message>
    <message>
        <source>A version name is 1 to 64 letters, digits, dots, underscores or hyphens.</source>
        <translation>Ein Versionsname besteht aus 1 bis 64 Buchstaben, Ziffern, Punkten, Unterstrichen oder Bindestrichen.</translation>
    </message>
    <message>
        <source>%1@%2 is registered already. Give the new logic a new version name.</source>
        <translation>%1@%2 ist bereits registriert. Geben Sie der neuen Logik einen neuen Versionsnamen.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchPreflightPage</name>
    <message>
        <source>Check &amp;again</source>
        <translation>Erneut &amp;prüfen</translation>
    </message>
    <message>
        <source>Pre-flight</source>
        <translation>Vorabprüfung</translation>
    </message>
    <message>
        <source>kappad checks the launch without starting it.</source>
        <translation>kappad prüft den Start, ohne ihn auszuführen.</translation>
    </message>
    <message>
        <source>kappad is checking the launch…</source>
        <translation>kappad prüft den Start…</translation>
    </message>
    <message>
        <source>%1 events from the start point, read at %2 events/s (live ingest %3 events/s); expected to catch up in %4. Estimated state %5, view %6.</source>
        <translation>%1 Events ab dem Startpunkt, gelesen mit %2 events/s (Live-Eingang %3 events/s); Aufholen voraussichtlich in %4. Geschätzte Größe: State %5, View %6.</translation>
    </message>
    <message>
        <source>Every check passed: the replay can be launched.</source>
        <translation>Alle Prüfungen bestanden: Das Replay kann gestartet werden.</translation>
    </message>
    <message>
        <source>A check failed, so the replay cannot be launched. Go back and change what the failed check names.</source>
        <translation>Eine Prüfung ist fehlgeschlagen, daher kann das Replay nicht gestartet werden. Gehen Sie zurück und ändern Sie, was die fehlgeschlagene Prüfung nennt.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchReplayWizard</name>
    <message>
        <source>Launch replay</source>
        <translation>Replay starten</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchSourcePage</name>
    <message>
        <source>A version kappad &amp;knows (built in, e.g. v2)</source>
        <translation>Eine Version, die kappad &amp;kennt (eingebaut, z. B. v2)</translation>
    </message>
    <message>
        <source>A spec &amp;file (JSON)</source>
        <translation>Eine Spec-&amp;Datei (JSON)</translation>
    </message>
    <message>
        <source>&amp;Edit the parameters of an existing spec, under a new version name</source>
        <translation>Parameter einer vorhandenen Spec unter neuem Versionsnamen &amp;bearbeiten</translation>
    </message>
    <message>
        <source>New version</source>
        <translation>Neue Version</translation>
    </message>
    <message>
        <source>A new version is a job spec: the job, a version name and its parameters.</source>
        <translation>Eine neue Version ist eine Job-Spec: der Job, ein Versionsname und seine Parameter.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchSpecFilePage</name>
    <message>
        <source>Spec file</source>
        <translation>Spec-Datei</translation>
    </message>
    <message>
        <source>A JSON job spec as in resources/jobs: {&quot;job&quot;, &quot;version&quot;, &quot;params&quot;, &quot;description&quot;, &quot;validation&quot;}.</source>
        <translation>Eine JSON-Job-Spec wie in resources/jobs: {&quot;job&quot;, &quot;version&quot;, &quot;params&quot;, &quot;description&quot;, &quot;validation&quot;}.</translation>
    </message>
    <message>
        <source>B&amp;rowse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>The spec appears here once it is read.</source>
        <translation>Die Spec erscheint hier, sobald sie gelesen ist.</translation>
    </message>
    <message>
        <source>Spec &amp;file:</source>
        <translation>Spec-&amp;Datei:</translation>
    </message>
    <message>
        <source>Job spec</source>
        <translation>Job-Spec</translation>
    </message>
    <message>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>JSON-Dateien (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The file is not JSON: %1 (at character %2).</source>
        <translation>Die Datei ist kein JSON: %1 (bei Zeichen %2).</translation>
    </message>
    <message>
        <source>The file holds no JSON object.</source>
        <translation>Die Datei enthält kein JSON-Objekt.</translation>
    </message>
    <message>
        <source>%1@%2 is registered already. Give the new logic a new version name.</source>
        <translation>%1@%2 ist bereits registriert. Geben Sie der neuen Logik einen neuen Versionsnamen.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchStartPage</name>
    <message>
        <source>From the &amp;earliest event in the log</source>
        <translation>Ab dem &amp;frühesten Event im Log</translation>
    </message>
    <message>
        <source>From an &amp;offset (in every partition):</source>
        <translation>Ab einem &amp;Offset (in jeder Partition):</translation>
    </message>
    <message>
        <source>From a &amp;time (UTC):</source>
        <translation>Ab einem &amp;Zeitpunkt (UTC):</translation>
    </message>
    <message>
        <source>From a &amp;duration back from now:</source>
        <translation>Von jetzt um eine &amp;Dauer zurück:</translation>
    </message>
    <message>
        <source>Start point</source>
        <translation>Startpunkt</translation>
    </message>
    <message>
        <source>Where the replay starts reading the events topic. The new version only sees events from there on.</source>
        <translation>Wo das Replay beginnt, das Events-Topic zu lesen. Die neue Version sieht nur Events ab dieser Stelle.</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>That time is in the future: there are no events from there yet.</source>
        <translation>Dieser Zeitpunkt liegt in der Zukunft: Ab dort gibt es noch keine Events.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchThrottlePage</name>
    <message>
        <source>Throttle</source>
        <translation>Drosselung</translation>
    </message>
    <message>
        <source>The replay reads k times as fast as events arrive live, within a floor and a cap. It slows down by itself when a live job&apos;s lag nears its SLO.</source>
        <translation>Das Replay liest k-mal so schnell, wie Events live eintreffen, innerhalb einer Unter- und einer Obergrenze. Es drosselt sich selbst, wenn sich der Rückstand eines Live-Jobs seinem SLO nähert.</translation>
    </message>
    <message>
        <source>Estimating how long catching up takes…</source>
        <translation>Dauer des Aufholens wird geschätzt…</translation>
    </message>
    <message>
        <source>%1 events to read at %2 events/s, while %3 events/s arrive live.</source>
        <translation>%1 Events zu lesen mit %2 events/s, während live %3 events/s eintreffen.</translation>
    </message>
    <message>
        <source>Expected to catch up in about %1: %2</source>
        <translation>Aufholen voraussichtlich in etwa %1: %2</translation>
    </message>
    <message>
        <source>At this rate the replay would never catch up: %1</source>
        <translation>Bei dieser Rate würde das Replay nie aufholen: %1</translation>
    </message>
</context>
<context>
    <name>kappa::console::LaunchedPage</name>
    <message>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <source>Launch</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Replay %1 of %2@%3 has started. Follow its progress on the Replays page; once it has caught up, review its validation.</source>
        <translation>Replay %1 von %2@%3 wurde gestartet. Verfolgen Sie den Fortschritt auf der Seite Replays; sobald es aufgeholt hat, prüfen Sie seine Validierung.</translation>
    </message>
    <message>
        <source>Nothing was launched. %1</source>
        <translation>Es wurde nichts gestartet. %1</translation>
    </message>
    <message>
        <source>Launching…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>What kappad answered.</source>
        <translation>Was kappad geantwortet hat.</translation>
    </message>
</context>
<context>
    <name>kappa::console::LocalDemo</name>
    <message>
        <source>kappad could not be started: %1</source>
        <translation>kappad konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>kappad was found neither next to the console nor on PATH.</source>
        <translation>kappad wurde weder neben der Konsole noch im PATH gefunden.</translation>
    </message>
    <message>
        <source>No temporary directory for the demo: %1</source>
        <translation>Kein temporäres Verzeichnis für die Demo: %1</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>ist abgestürzt</translation>
    </message>
    <message>
        <source>exited with code %1</source>
        <translation>wurde mit Code %1 beendet</translation>
    </message>
    <message>
        <source>The local kappad %1.</source>
        <translation>Der lokale kappad %1.</translation>
    </message>
    <message>
        <source>The local kappad %1: %2</source>
        <translation>Der lokale kappad %1: %2</translation>
    </message>
</context>
<context>
    <name>kappa::console::MainWindow</name>
    <message>
        <source>Kappa console</source>
        <translation>Kappa-Konsole</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>&amp;Overview</source>
        <translation>Ü&amp;bersicht</translation>
    </message>
    <message>
        <source>&amp;Replays</source>
        <translation>&amp;Replays</translation>
    </message>
    <message>
        <source>kappad refused</source>
        <translation>kappad hat abgelehnt</translation>
    </message>
    <message>
        <source>%1: %2 (%3, HTTP %4)</source>
        <translation>%1: %2 (%3, HTTP %4)</translation>
    </message>
    <message>
        <source>%1 · up %2 s · %3 events in %4 partitions</source>
        <translation>%1 · läuft seit %2 s · %3 Ereignisse in %4 Partitionen</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <source>not ready</source>
        <translation>nicht bereit</translation>
    </message>
    <message>
        <source> · demo at %1 events/s</source>
        <translation> · Demo mit %1 Ereignissen/s</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Dashboard</translation>
    </message>
    <message>
        <source>&amp;Views</source>
        <translation>&amp;Views</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>&amp;Audit</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>nicht verbunden</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation>&amp;Verbindung</translation>
    </message>
    <message>
        <source>Start local &amp;demo</source>
        <translation>Lokale &amp;Demo starten</translation>
    </message>
    <message>
        <source>&amp;Refresh now</source>
        <translation>Jetzt &amp;aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>&amp;Workflow</source>
        <translation>&amp;Workflow</translation>
    </message>
    <message>
        <source>&amp;Launch replay…</source>
        <translation>Replay &amp;starten…</translation>
    </message>
    <message>
        <source>Review &amp;validation…</source>
        <translation>&amp;Validierung prüfen…</translation>
    </message>
    <message>
        <source>&amp;Approve switch…</source>
        <translation>Umschaltung &amp;freigeben…</translation>
    </message>
    <message>
        <source>Roll &amp;back…</source>
        <translation>&amp;Rollback…</translation>
    </message>
    <message>
        <source>Re&amp;build a view…</source>
        <translation>View &amp;neu aufbauen…</translation>
    </message>
    <message>
        <source>%1 is not a kappad URL: give http:// or https://, the host and the port.</source>
        <translation>%1 ist keine kappad-URL: Geben Sie http:// oder https://, den Host und den Port an.</translation>
    </message>
    <message>
        <source>● live</source>
        <translation>● live</translation>
    </message>
    <message>
        <source>○ live stream lost, reconnecting in %1 s</source>
        <translation>○ Live-Stream verloren, neue Verbindung in %1 s</translation>
    </message>
    <message>
        <source>○ live stream refused</source>
        <translation>○ Live-Stream abgelehnt</translation>
    </message>
    <message>
        <source>○ connecting the live stream…</source>
        <translation>○ Live-Stream wird verbunden…</translation>
    </message>
    <message>
        <source>Starting a local kappad --demo…</source>
        <translation>Lokaler kappad --demo wird gestartet…</translation>
    </message>
    <message>
        <source>retrying in %1 s</source>
        <translation>neuer Versuch in %1 s</translation>
    </message>
    <message>
        <source>kappad at %1 cannot be reached (%2); %3.</source>
        <translation>kappad unter %1 ist nicht erreichbar (%2); %3.</translation>
    </message>
    <message>
        <source>%1: %2 (%3); %4.</source>
        <translation>%1: %2 (%3); %4.</translation>
    </message>
</context>
<context>
    <name>kappa::console::OverviewModel</name>
    <message>
        <source>replaying</source>
        <translation>spielt nach</translation>
    </message>
    <message>
        <source>caught up</source>
        <translation>aufgeholt</translation>
    </message>
    <message>
        <source>validated</source>
        <translation>validiert</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>retired</source>
        <translation>außer Betrieb</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>created by %1</source>
        <translation>angelegt von %1</translation>
    </message>
    <message>
        <source>%1 (live)</source>
        <translation>%1 (live)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Lag (events)</source>
        <translation>Rückstand (Ereignisse)</translation>
    </message>
    <message>
        <source>Lag (s)</source>
        <translation>Rückstand (s)</translation>
    </message>
    <message>
        <source>Latency p99 (ms)</source>
        <translation>Latenz p99 (ms)</translation>
    </message>
    <message>
        <source>met</source>
        <translation>eingehalten</translation>
    </message>
    <message>
        <source>at risk</source>
        <translation>gefährdet</translation>
    </message>
    <message>
        <source>breached</source>
        <translation>verletzt</translation>
    </message>
    <message>
        <source>Only the live version is held to the SLOs.</source>
        <translation>Nur die Live-Version unterliegt den SLOs.</translation>
    </message>
    <message>
        <source>SLOs: lag under %1 s, append-to-view p99 under %2 ms</source>
        <translation>SLOs: Rückstand unter %1 s, Latenz Anhängen bis View p99 unter %2 ms</translation>
    </message>
    <message>
        <source>Partitions: %1 OK, %2 lagging, %3 stalled, %4 stopped, %5 unknown. Judged from the trend of position and lag over the last ten seconds, without thresholds.</source>
        <translation>Partitionen: %1 OK, %2 im Rückstand, %3 blockiert, %4 gestoppt, %5 unbekannt. Beurteilt anhand des Verlaufs von Position und Rückstand in den letzten zehn Sekunden, ohne Schwellenwerte.</translation>
    </message>
    <message>
        <source>%1 (%2 stalled, %3 stopped)</source>
        <translation>%1 (%2 blockiert, %3 gestoppt)</translation>
    </message>
    <message>
        <source>In (events/s)</source>
        <translation>Eingang (events/s)</translation>
    </message>
    <message>
        <source>Processed (events/s)</source>
        <translation>Verarbeitet (events/s)</translation>
    </message>
    <message>
        <source>Lag trend</source>
        <translation>Rückstandstrend</translation>
    </message>
    <message>
        <source>SLO</source>
        <translation>SLO</translation>
    </message>
</context>
<context>
    <name>kappa::console::PartitionsModel</name>
    <message>
        <source>input topic %1</source>
        <translation>Eingabe-Topic %1</translation>
    </message>
    <message>
        <source>the next offset the task reads</source>
        <translation>der nächste Offset, den der Task liest</translation>
    </message>
    <message>
        <source>Burrow&apos;s evaluation of the last %1 samples: lagging when the lag never shrinks, stalled when the position does not move, stopped when the task no longer reports</source>
        <translation>Auswertung von Burrow über die letzten %1 Samples: im Rückstand, wenn der Rückstand nie schrumpft; blockiert, wenn sich die Position nicht bewegt; gestoppt, wenn der Task nicht mehr meldet</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Position</translation>
    </message>
    <message>
        <source>End offset</source>
        <translation>End-Offset</translation>
    </message>
    <message>
        <source>Lag (events)</source>
        <translation>Rückstand (Events)</translation>
    </message>
    <message>
        <source>Lag (s)</source>
        <translation>Rückstand (s)</translation>
    </message>
    <message>
        <source>Input (events/s)</source>
        <translation>Eingang (events/s)</translation>
    </message>
    <message>
        <source>Processed (events/s)</source>
        <translation>Verarbeitet (events/s)</translation>
    </message>
    <message>
        <source>Watermark</source>
        <translation>Watermark</translation>
    </message>
    <message>
        <source>Caught up</source>
        <translation>Aufgeholt</translation>
    </message>
    <message>
        <source>Lag state</source>
        <translation>Rückstandsstatus</translation>
    </message>
</context>
<context>
    <name>kappa::console::PickRollbackPage</name>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>A rollback moves a job&apos;s reads back to the version its last switch replaced, while that version is still warm (within kappad&apos;s rollback window, one hour by default).</source>
        <translation>Ein Rollback leitet die Lesezugriffe eines Jobs zurück auf die Version, die seine letzte Umschaltung ersetzt hat, solange diese Version noch warm ist (innerhalb des Rollback-Fensters von kappad, standardmäßig eine Stunde).</translation>
    </message>
    <message>
        <source>The console&apos;s token (%1) has the role %2: rolling back needs an approver&apos;s or an admin&apos;s token.</source>
        <translation>Das Token der Konsole (%1) hat die Rolle %2: Für einen Rollback ist das Token eines Freigebenden oder eines Admins nötig.</translation>
    </message>
    <message>
        <source>The switches could not be listed. %1</source>
        <translation>Die Umschaltungen konnten nicht aufgelistet werden. %1</translation>
    </message>
    <message>
        <source>Listing the switches…</source>
        <translation>Umschaltungen werden aufgelistet…</translation>
    </message>
    <message>
        <source>No job has been switched, so there is nothing to roll back.</source>
        <translation>Es wurde noch kein Job umgeschaltet, daher ist kein Rollback möglich.</translation>
    </message>
    <message>
        <source>%1 was switched from %2 to %3 at %4 (%5) by %6. It serves from %7 now; a rollback makes it serve from %2 again, if kappad still keeps %2 warm.</source>
        <translation>%1 wurde um %4 (%5) von %6 von %2 auf %3 umgeschaltet. Lesezugriffe werden jetzt aus %7 bedient; ein Rollback bedient sie wieder aus %2, sofern kappad %2 noch warm hält.</translation>
    </message>
</context>
<context>
    <name>kappa::console::PickSwitchPage</name>
    <message>
        <source>Switch request</source>
        <translation>Umschaltanfrage</translation>
    </message>
    <message>
        <source>The switch requests waiting for approval. Approving one moves its job&apos;s reads to the candidate version at once.</source>
        <translation>Die Umschaltanfragen, die auf Freigabe warten. Wenn Sie eine freigeben, werden die Lesezugriffe ihres Jobs sofort auf die Kandidatenversion umgeleitet.</translation>
    </message>
    <message>
        <source>The switch requests could not be listed. %1</source>
        <translation>Die Umschaltanfragen konnten nicht aufgelistet werden. %1</translation>
    </message>
    <message>
        <source>Listing the switch requests…</source>
        <translation>Umschaltanfragen werden aufgelistet…</translation>
    </message>
    <message>
        <source>No switch request is waiting for approval.</source>
        <translation>Keine Umschaltanfrage wartet auf Freigabe.</translation>
    </message>
</context>
<context>
    <name>kappa::console::PickValidationPage</name>
    <message>
        <source>&amp;Validate a caught-up candidate now:</source>
        <translation>Aufgeholten Kandidaten jetzt &amp;validieren:</translation>
    </message>
    <message>
        <source>&amp;Open a stored validation:</source>
        <translation>Gespeicherte Validierung ö&amp;ffnen:</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>Kandidat</translation>
    </message>
    <message>
        <source>A validation compares a caught-up candidate with the live version on the events both have read: sampled keys field by field, and aggregates.</source>
        <translation>Eine Validierung vergleicht einen aufgeholten Kandidaten mit der Live-Version anhand der Events, die beide gelesen haben: Stichproben-Keys Feld für Feld sowie Aggregate.</translation>
    </message>
    <message>
        <source>Can&amp;didate:</source>
        <translation>Kan&amp;didat:</translation>
    </message>
    <message>
        <source>&amp;Stored validation:</source>
        <translation>&amp;Gespeicherte Validierung:</translation>
    </message>
    <message>
        <source>No version is caught up and waiting to be validated.</source>
        <translation>Keine Version hat aufgeholt und wartet auf Validierung.</translation>
    </message>
    <message>
        <source>The stored validations could not be listed. %1</source>
        <translation>Die gespeicherten Validierungen konnten nicht aufgelistet werden. %1</translation>
    </message>
    <message>
        <source>%1 is not caught up or validated, so it cannot be validated now.</source>
        <translation>%1 ist weder aufgeholt noch validiert und kann daher jetzt nicht validiert werden.</translation>
    </message>
    <message>
        <source>#%1  %2@%3 against %4: %5, %6 by %7</source>
        <translation>#%1  %2@%3 gegen %4: %5, %6 von %7</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>bestanden</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>There is nothing to review: no candidate is caught up and no validation is stored.</source>
        <translation>Es gibt nichts zu prüfen: Kein Kandidat hat aufgeholt und keine Validierung ist gespeichert.</translation>
    </message>
</context>
<context>
    <name>kappa::console::PreflightChecksModel</name>
    <message>
        <source>Version is new, job has a live version</source>
        <translation>Version ist neu, Job hat eine Live-Version</translation>
    </message>
    <message>
        <source>Events in range</source>
        <translation>Events im Bereich</translation>
    </message>
    <message>
        <source>Event schemas readable</source>
        <translation>Event-Schemas lesbar</translation>
    </message>
    <message>
        <source>Rate outruns ingest</source>
        <translation>Leserate übersteigt Eingangsrate</translation>
    </message>
    <message>
        <source>✔ passed</source>
        <translation>✔ bestanden</translation>
    </message>
    <message>
        <source>✘ failed</source>
        <translation>✘ fehlgeschlagen</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>What kappad found</source>
        <translation>Befund von kappad</translation>
    </message>
</context>
<context>
    <name>kappa::console::RebuildProgressPage</name>
    <message>
        <source>Rebuilding</source>
        <translation>Neuaufbau</translation>
    </message>
    <message>
        <source>You may close this window: the rebuild goes on in kappad and is shown on the Replays page.</source>
        <translation>Sie können dieses Fenster schließen: Der Neuaufbau läuft in kappad weiter und wird auf der Seite Replays angezeigt.</translation>
    </message>
    <message>
        <source>kappad did not start the rebuild. %1</source>
        <translation>kappad hat den Neuaufbau nicht gestartet. %1</translation>
    </message>
    <message>
        <source>Starting the rebuild…</source>
        <translation>Neuaufbau wird gestartet…</translation>
    </message>
    <message>
        <source>%1 % read, %2 events/s (target %3), %4 records left, ETA %5.</source>
        <translation>%1 % gelesen, %2 events/s (Ziel %3), %4 Datensätze übrig, Restzeit %5.</translation>
    </message>
    <message>
        <source>Rebuild %1 is reading the log…</source>
        <translation>Neuaufbau %1 liest das Log…</translation>
    </message>
    <message>
        <source>Rebuild %1 is slowed down: %2</source>
        <translation>Neuaufbau %1 ist gedrosselt: %2</translation>
    </message>
    <message>
        <source>Rebuild %1 has caught up.</source>
        <translation>Neuaufbau %1 hat aufgeholt.</translation>
    </message>
    <message>
        <source>Rebuild %1 is %2: %3</source>
        <translation>Neuaufbau %1 ist %2: %3</translation>
    </message>
</context>
<context>
    <name>kappa::console::RebuildResultPage</name>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>%1 was rebuilt from the log and serves its reads again at full speed.</source>
        <translation>%1 wurde aus dem Log neu aufgebaut und bedient Lesezugriffe wieder mit voller Geschwindigkeit.</translation>
    </message>
    <message>
        <source>%1 was rebuilt from the log and has caught up; it keeps tailing the log.</source>
        <translation>%1 wurde aus dem Log neu aufgebaut und hat aufgeholt; es liest das Log weiterhin mit.</translation>
    </message>
    <message>
        <source>The rebuild of %1 is %2: %3</source>
        <translation>Der Neuaufbau von %1 ist %2: %3</translation>
    </message>
    <message>
        <source>What kappad answered.</source>
        <translation>Was kappad geantwortet hat.</translation>
    </message>
</context>
<context>
    <name>kappa::console::RebuildThrottlePage</name>
    <message>
        <source>Throttle and reads</source>
        <translation>Drosselung und Lesezugriffe</translation>
    </message>
    <message>
        <source>The rebuild is throttled like a replay. Another running version of the job can answer the reads meanwhile.</source>
        <translation>Der Neuaufbau wird wie ein Replay gedrosselt. Eine andere laufende Version des Jobs kann die Lesezugriffe in der Zwischenzeit beantworten.</translation>
    </message>
    <message>
        <source>&amp;Serve reads from:</source>
        <translation>Lesezugriffe &amp;beantworten durch:</translation>
    </message>
    <message>
        <source>no other version: reads answer 503 until it has caught up</source>
        <translation>keine andere Version: Lesezugriffe antworten mit 503, bis sie aufgeholt hat</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>kappa::console::RebuildVersionPage</name>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Rebuilding drops a version&apos;s views and state and replays the log into them from the start. Use it when a view was lost or is suspect.</source>
        <translation>Ein Neuaufbau verwirft die Views und den Zustand einer Version und spielt das Log von Anfang an erneut in sie ein. Verwenden Sie ihn, wenn eine View verloren gegangen oder zweifelhaft ist.</translation>
    </message>
    <message>
        <source>%1@%2 (%3)</source>
        <translation>%1@%2 (%3)</translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation>&amp;Version:</translation>
    </message>
    <message>
        <source>kappad has reported no registered version.</source>
        <translation>kappad hat keine registrierte Version gemeldet.</translation>
    </message>
    <message>
        <source>%1 is %2: kappad does not rebuild it. Replay the logic under a new version instead (Launch replay).</source>
        <translation>%1 ist %2: kappad baut sie nicht neu auf. Spielen Sie die Logik stattdessen unter einer neuen Version erneut ab (Replay starten).</translation>
    </message>
    <message>
        <source>%1 is still replaying: rebuild it once it has caught up, or cancel its replay.</source>
        <translation>%1 befindet sich noch im Replay: Bauen Sie sie neu auf, sobald sie aufgeholt hat, oder brechen Sie ihr Replay ab.</translation>
    </message>
    <message>
        <source>This is the live version: until the rebuild has caught up, its reads are answered by the version you name next, or with 503.</source>
        <translation>Dies ist die Live-Version: Bis der Neuaufbau aufgeholt hat, werden ihre Lesezugriffe von der Version beantwortet, die Sie als Nächstes angeben, oder mit 503.</translation>
    </message>
    <message>
        <source>This version is %1; its reads are unavailable until the rebuild has caught up.</source>
        <translation>Diese Version ist %1; ihre Lesezugriffe sind nicht verfügbar, bis der Neuaufbau aufgeholt hat.</translation>
    </message>
</context>
<context>
    <name>kappa::console::RebuildWizard</name>
    <message>
        <source>Rebuild a view</source>
        <translation>View neu aufbauen</translation>
    </message>
</context>
<context>
    <name>kappa::console::ReplayRateDialog</name>
    <message>
        <source>Change the rate of replay %1</source>
        <translation>Rate von Replay %1 ändern</translation>
    </message>
    <message>
        <source>%1@%2 now reads %3 events/s; live ingest is %4 events/s.</source>
        <translation>%1@%2 liest jetzt %3 events/s; der Live-Eingang liegt bei %4 events/s.</translation>
    </message>
    <message>
        <source>C&amp;hange rate</source>
        <translation>Rate ä&amp;ndern</translation>
    </message>
</context>
<context>
    <name>kappa::console::ReplaysModel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>launched by %1, from %2; k = %3, cap %4 events/s, floor %5 events/s</source>
        <translation>gestartet von %1, ab %2; k = %3, Obergrenze %4 Ereignisse/s, Untergrenze %5 Ereignisse/s</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 of %2 events/s</source>
        <translation>%1 von %2 Ereignissen/s</translation>
    </message>
    <message>
        <source>slowed down: %1</source>
        <translation>gebremst: %1</translation>
    </message>
    <message>
        <source>reads served by %1</source>
        <translation>Lesezugriffe bedient von %1</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>rebuild</source>
        <translation>Neuaufbau</translation>
    </message>
    <message>
        <source>replay</source>
        <translation>Replay</translation>
    </message>
</context>
<context>
    <name>kappa::console::ReplaysPanel</name>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Ca&amp;ncel…</source>
        <translation>A&amp;bbrechen…</translation>
    </message>
    <message>
        <source>Cancel replay %1</source>
        <translation>Replay %1 abbrechen</translation>
    </message>
    <message>
        <source>Cancel the replay of %1? Its version is marked cancelled and stops.
Reason (for the audit log):</source>
        <translation>Das Replay von %1 abbrechen? Seine Version wird als abgebrochen markiert und angehalten.
Grund (für das Audit-Log):</translation>
    </message>
    <message>
        <source>Change ra&amp;te…</source>
        <translation>Ra&amp;te ändern…</translation>
    </message>
</context>
<context>
    <name>kappa::console::ReviewSwitchPage</name>
    <message>
        <source>Review</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>The validation could not be fetched: %1</source>
        <translation>Die Validierung konnte nicht abgerufen werden: %1</translation>
    </message>
    <message>
        <source>Who the console is could not be asked: %1</source>
        <translation>Die Identität der Konsole konnte nicht abgefragt werden: %1</translation>
    </message>
    <message>
        <source>The request expired at %1: request the switch again.</source>
        <translation>Die Anforderung ist um %1 abgelaufen: Fordern Sie die Umschaltung erneut an.</translation>
    </message>
    <message>
        <source>Validation %1 did not pass.</source>
        <translation>Validierung %1 wurde nicht bestanden.</translation>
    </message>
    <message>
        <source>Pick a request first.</source>
        <translation>Wählen Sie zuerst eine Anforderung aus.</translation>
    </message>
    <message>
        <source>Switch request %1: %2 from %3 to %4.</source>
        <translation>Umschaltungsanforderung %1: %2 von %3 auf %4.</translation>
    </message>
    <message>
        <source>none: an admin&apos;s override (%1)</source>
        <translation>keine: Übersteuerung durch einen Admin (%1)</translation>
    </message>
    <message>
        <source>fetching validation %1…</source>
        <translation>Validierung %1 wird abgerufen…</translation>
    </message>
    <message>
        <source>validation %1 (not available)</source>
        <translation>Validierung %1 (nicht verfügbar)</translation>
    </message>
    <message>
        <source>validation %1 &lt;b style=&quot;color:%2&quot;&gt;%3&lt;/b&gt;: %4 of %5 keys differ%6</source>
        <translation>Validierung %1 &lt;b style=&quot;color:%2&quot;&gt;%3&lt;/b&gt;: %4 von %5 Schlüsseln weichen ab%6</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>bestanden</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>, %1 aggregates compared</source>
        <translation>, %1 Aggregate verglichen</translation>
    </message>
    <message>
        <source>asking…</source>
        <translation>wird abgefragt…</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Switch</source>
        <translation>Umschaltung</translation>
    </message>
    <message>
        <source>from &lt;b&gt;%1&lt;/b&gt; to &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>von &lt;b&gt;%1&lt;/b&gt; auf &lt;b&gt;%2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Replay launched by</source>
        <translation>Replay gestartet von</translation>
    </message>
    <message>
        <source>Switch requested by</source>
        <translation>Umschaltung angefordert von</translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation>%1 um %2</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>You are</source>
        <translation>Sie sind</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Gathering what the approval rests on…</source>
        <translation>Grundlagen der Freigabe werden gesammelt…</translation>
    </message>
    <message>
        <source>You may approve this switch.</source>
        <translation>Sie dürfen diese Umschaltung freigeben.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ReviewValidationWizard</name>
    <message>
        <source>Review validation</source>
        <translation>Validierung prüfen</translation>
    </message>
</context>
<context>
    <name>kappa::console::RollbackResultPage</name>
    <message>
        <source>Rollback</source>
        <translation>Rollback</translation>
    </message>
    <message>
        <source>%1 serves from %2 again.</source>
        <translation>%1 wird wieder aus %2 bedient.</translation>
    </message>
    <message>
        <source>kappad refused the rollback, and %1 still serves as before: %2</source>
        <translation>kappad hat den Rollback abgelehnt, %1 wird weiterhin wie bisher bedient: %2</translation>
    </message>
    <message>
        <source>Nothing was rolled back. %1</source>
        <translation>Es wurde kein Rollback durchgeführt. %1</translation>
    </message>
    <message>
        <source>Rolling %1 back…</source>
        <translation>Rollback von %1 läuft…</translation>
    </message>
    <message>
        <source>What kappad answered.</source>
        <translation>Was kappad geantwortet hat.</translation>
    </message>
</context>
<context>
    <name>kappa::console::RollbackWizard</name>
    <message>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>Rollback</translation>
    </message>
</context>
<context>
    <name>kappa::console::StatusLine</name>
    <message>
        <source>kappad cannot be reached: %1</source>
        <translation>kappad ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>kappad answered something the console does not understand: %1</source>
        <translation>kappad hat etwas geantwortet, das die Konsole nicht versteht: %1</translation>
    </message>
    <message>
        <source>kappad does not accept the console&apos;s token (%1).</source>
        <translation>kappad akzeptiert das Token der Konsole nicht (%1).</translation>
    </message>
    <message>
        <source>The console&apos;s token may not do this: %1</source>
        <translation>Das Token der Konsole ist hierfür nicht berechtigt: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>kappad refused (%1 %2): %3</source>
        <translation>kappad hat abgelehnt (%1 %2): %3</translation>
    </message>
</context>
<context>
    <name>kappa::console::SwitchRequestsModel</name>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>switched</source>
        <translation>umgeschaltet</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>void</source>
        <translation>ungültig</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>admin override: %1</source>
        <translation>Admin-Übersteuerung: %1</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Anforderung</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Versionen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Requested by</source>
        <translation>Angefordert von</translation>
    </message>
    <message>
        <source>Requested at</source>
        <translation>Angefordert am</translation>
    </message>
    <message>
        <source>Decided by</source>
        <translation>Entschieden von</translation>
    </message>
    <message>
        <source>Decided at</source>
        <translation>Entschieden am</translation>
    </message>
</context>
<context>
    <name>kappa::console::ThrottleFields</name>
    <message>
        <source>× </source>
        <translation>× </translation>
    </message>
    <message>
        <source>The replay reads k times as fast as events arrive live.</source>
        <translation>Das Replay liest k-mal so schnell, wie Ereignisse live eintreffen.</translation>
    </message>
    <message>
        <source> events/s</source>
        <translation> events/s</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>keine Obergrenze</translation>
    </message>
    <message>
        <source>Rate &amp;multiple (k × live ingest):</source>
        <translation>Raten&amp;faktor (k × Live-Eingang):</translation>
    </message>
    <message>
        <source>Ma&amp;ximum rate:</source>
        <translation>Ma&amp;ximale Rate:</translation>
    </message>
    <message>
        <source>M&amp;inimum rate:</source>
        <translation>M&amp;inimale Rate:</translation>
    </message>
    <message>
        <source>The minimum rate is above the maximum rate: lower the minimum or raise the cap.</source>
        <translation>Die minimale Rate liegt über der maximalen Rate: Senken Sie das Minimum oder erhöhen Sie die Obergrenze.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ValidationAggregatesModel</name>
    <message>
        <source>Population stability index of the candidate&apos;s fraud scores against the live ones</source>
        <translation>Population Stability Index der Fraud-Scores des Kandidaten gegenüber den Live-Scores</translation>
    </message>
    <message>
        <source>delta = (candidate − live) / |live|</source>
        <translation>delta = (candidate − live) / |live|</translation>
    </message>
    <message>
        <source>fraud score PSI</source>
        <translation>Fraud-Score-PSI</translation>
    </message>
    <message>
        <source>— (live is 0)</source>
        <translation>— (live ist 0)</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>≤ %1</source>
        <translation>≤ %1</translation>
    </message>
    <message>
        <source>± %1 %</source>
        <translation>± %1 %</translation>
    </message>
    <message>
        <source>✔ within</source>
        <translation>✔ innerhalb</translation>
    </message>
    <message>
        <source>✘ outside</source>
        <translation>✘ außerhalb</translation>
    </message>
    <message>
        <source>Aggregate</source>
        <translation>Aggregat</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>Kandidat</translation>
    </message>
    <message>
        <source>Delta</source>
        <translation>Delta</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>Zulässig</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>kappa::console::ValidationAggregatesPage</name>
    <message>
        <source>Aggregate deltas</source>
        <translation>Aggregat-Deltas</translation>
    </message>
    <message>
        <source>Each aggregate&apos;s relative delta, candidate against live; the dashed lines are the tolerance it must stay within.</source>
        <translation>Das relative Delta jedes Aggregats, Kandidat gegenüber Live; die gestrichelten Linien markieren die Toleranz, die eingehalten werden muss.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ValidationDecisionPage</name>
    <message>
        <source>Request the s&amp;witch: an approver then moves reads to the candidate</source>
        <translation>&amp;Umschaltung anfordern: Ein Freigebender leitet die Lesezugriffe dann auf den Kandidaten um</translation>
    </message>
    <message>
        <source>Re&amp;ject the candidate</source>
        <translation>Kandidaten &amp;verwerfen</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>for the audit log</source>
        <translation>für das Audit-Log</translation>
    </message>
    <message>
        <source>Rea&amp;son:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>The switch requests could not be listed, so a pending one is not known. %1</source>
        <translation>Die Umschaltungsanforderungen konnten nicht aufgelistet werden, daher ist eine ausstehende Anforderung nicht bekannt. %1</translation>
    </message>
    <message>
        <source>What happens with %1@%2?</source>
        <translation>Was geschieht mit %1@%2?</translation>
    </message>
    <message>
        <source>Looking for a pending switch request…</source>
        <translation>Suche nach einer ausstehenden Umschaltungsanforderung…</translation>
    </message>
    <message>
        <source>Give a reason: it goes to the audit log with the rejection.</source>
        <translation>Geben Sie eine Begründung an: Sie wird mit der Ablehnung im Audit-Log gespeichert.</translation>
    </message>
    <message>
        <source>The validation failed, so a switch cannot be requested (an admin may override that with kappactl). </source>
        <translation>Die Validierung ist fehlgeschlagen, daher kann keine Umschaltung angefordert werden (ein Admin kann dies mit kappactl übersteuern). </translation>
    </message>
    <message>
        <source>Request %1 by %2 is already waiting for approval. </source>
        <translation>Anforderung %1 von %2 wartet bereits auf Freigabe. </translation>
    </message>
    <message>
        <source>Rejecting closes request %1 without a switch; kappad allows that only for an approver&apos;s token.</source>
        <translation>Eine Ablehnung schließt Anforderung %1 ohne Umschaltung; kappad erlaubt dies nur mit dem Token eines Freigebenden.</translation>
    </message>
    <message>
        <source>No switch request is pending, so nothing is sent to kappad or recorded: the candidate simply does not go live. It keeps running as a shadow until its replay is cancelled on the Replays page.</source>
        <translation>Es ist keine Umschaltungsanforderung ausstehend, daher wird nichts an kappad gesendet oder protokolliert: Der Kandidat geht einfach nicht live. Er läuft als Schattenversion weiter, bis sein Replay auf der Seite „Replays“ abgebrochen wird.</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>&amp;Request switch</source>
        <translation>Umschaltung an&amp;fordern</translation>
    </message>
    <message>
        <source>Reject re&amp;quest</source>
        <translation>Anforderung ab&amp;lehnen</translation>
    </message>
</context>
<context>
    <name>kappa::console::ValidationDiffModel</name>
    <message>
        <source>window %1, category %2</source>
        <translation>Fenster %1, Kategorie %2</translation>
    </message>
    <message>
        <source>1 differing field</source>
        <translation>1 abweichendes Feld</translation>
    </message>
    <message>
        <source>%1 differing fields</source>
        <translation>%1 abweichende Felder</translation>
    </message>
    <message>
        <source>Key %1, picked by the samples: %2</source>
        <translation>Schlüssel %1, ausgewählt durch die Stichproben: %2</translation>
    </message>
    <message>
        <source>(the candidate has no row)</source>
        <translation>(der Kandidat hat keine Zeile)</translation>
    </message>
    <message>
        <source>Key / field</source>
        <translation>Schlüssel / Feld</translation>
    </message>
    <message>
        <source>Picked by</source>
        <translation>Ausgewählt durch</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>Kandidat</translation>
    </message>
</context>
<context>
    <name>kappa::console::ValidationDiffsPage</name>
    <message>
        <source>Key differences</source>
        <translation>Schlüsselabweichungen</translation>
    </message>
    <message>
        <source>Sampled keys whose fields differ between the live version and the candidate, beyond the spec&apos;s tolerances.</source>
        <translation>Stichprobenschlüssel, deren Felder sich zwischen der Live-Version und dem Kandidaten über die Toleranzen der Spezifikation hinaus unterscheiden.</translation>
    </message>
    <message>
        <source>key or field</source>
        <translation>Schlüssel oder Feld</translation>
    </message>
    <message>
        <source>&amp;Filter:</source>
        <translation>&amp;Filter:</translation>
    </message>
    <message>
        <source>F&amp;ield:</source>
        <translation>F&amp;eld:</translation>
    </message>
    <message>
        <source>%1 of %2 keys differ; %3 differing fields are listed (kappad lists at most 200).</source>
        <translation>%1 von %2 Schlüsseln weichen ab; %3 abweichende Felder werden aufgelistet (kappad listet höchstens 200 auf).</translation>
    </message>
    <message>
        <source>All fields</source>
        <translation>Alle Felder</translation>
    </message>
    <message>
        <source>(missing row)</source>
        <translation>(fehlende Zeile)</translation>
    </message>
</context>
<context>
    <name>kappa::console::ValidationDonePage</name>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Requesting the switch of %1 to %2…</source>
        <translation>Umschaltung von %1 auf %2 wird angefordert…</translation>
    </message>
    <message>
        <source>Rejecting switch request %1…</source>
        <translation>Umschaltungsanforderung %1 wird abgelehnt…</translation>
    </message>
    <message>
        <source>Nothing was sent: %1@%2 does not go live. Cancel its replay on the Replays page when it is no longer needed.</source>
        <translation>Es wurde nichts gesendet: %1@%2 geht nicht live. Brechen Sie das Replay auf der Seite „Replays“ ab, wenn es nicht mehr benötigt wird.</translation>
    </message>
    <message>
        <source>Switch request %1 is waiting for approval. Another person with an approver token approves it (Approve switch); it expires at %2.</source>
        <translation>Umschaltungsanforderung %1 wartet auf Freigabe. Eine andere Person mit einem Freigabe-Token gibt sie frei (Umschaltung freigeben); sie läuft um %2 ab.</translation>
    </message>
    <message>
        <source>Switch request %1 is %2.</source>
        <translation>Umschaltungsanforderung %1 ist %2.</translation>
    </message>
    <message>
        <source>What kappad answered.</source>
        <translation>Was kappad geantwortet hat.</translation>
    </message>
</context>
<context>
    <name>kappa::console::ValidationReportPage</name>
    <message>
        <source>&amp;Validate again</source>
        <translation>Erneut &amp;validieren</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Compare again, e.g. when no key was final in both versions yet</source>
        <translation>Erneut vergleichen, z. B. wenn noch kein Schlüssel in beiden Versionen final war</translation>
    </message>
    <message>
        <source>Comparing %1 with the live version… (a comparison that finds differences is repeated after longer waits, so this can take a few seconds)</source>
        <translation>%1 wird mit der Live-Version verglichen… (ein Vergleich, der Abweichungen findet, wird nach längeren Wartezeiten wiederholt, daher kann dies einige Sekunden dauern)</translation>
    </message>
    <message>
        <source>Fetching validation %1…</source>
        <translation>Validierung %1 wird abgerufen…</translation>
    </message>
    <message>
        <source>Validation %1 of %2@%3 against the live %4, by %5 at %6.</source>
        <translation>Validierung %1 von %2@%3 gegenüber der Live-Version %4, durch %5 am %6.</translation>
    </message>
    <message>
        <source>✔ Passed</source>
        <translation>✔ Bestanden</translation>
    </message>
    <message>
        <source>✘ Failed</source>
        <translation>✘ Fehlgeschlagen</translation>
    </message>
    <message>
        <source>&lt;p&gt;%1 keys compared, %2 differ (%3; at most %4 may differ).&lt;/p&gt;</source>
        <translation>&lt;p&gt;%1 Schlüssel verglichen, %2 weichen ab (%3; höchstens %4 dürfen abweichen).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Fields only the candidate has (new, not differences): %1.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Felder, die nur der Kandidat hat (neu, keine Abweichungen): %1.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Aggregates compared: %1, outside their tolerance: %2.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Verglichene Aggregate: %1, außerhalb ihrer Toleranz: %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Compared %1 times: differences that went away on a later comparison are not reported.&lt;/p&gt;</source>
        <translation>&lt;p&gt;%1-mal verglichen: Abweichungen, die bei einem späteren Vergleich verschwunden sind, werden nicht gemeldet.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Why it failed:&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Gründe für das Fehlschlagen:&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;</translation>
    </message>
</context>
<context>
    <name>kappa::console::VersionsModel</name>
    <message>
        <source>Only known while kappad runs the version.</source>
        <translation>Nur bekannt, solange kappad die Version ausführt.</translation>
    </message>
    <message>
        <source>serves %1</source>
        <translation>bedient %1</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Alias</source>
        <translation>Alias</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registriert</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>State size</source>
        <translation>Zustandsgröße</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
</context>
<context>
    <name>kappa::console::ViewsPanel</name>
    <message>
        <source>Versions and their views</source>
        <translation>Versionen und ihre Views</translation>
    </message>
    <message>
        <source>Alias history (newest first)</source>
        <translation>Alias-Verlauf (neueste zuerst)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The Kappa operations console.</source>
        <translation>Die Kappa-Betriebskonsole.</translation>
    </message>
    <message>
        <source>kappad to connect to.</source>
        <translation>kappad, mit dem verbunden wird.</translation>
    </message>
    <message>
        <source>File holding the bearer token.</source>
        <translation>Datei mit dem Bearer-Token.</translation>
    </message>
    <message>
        <source>Save a picture of the window to FILE after --screenshot-after ms, then quit.</source>
        <translation>Nach --screenshot-after ms ein Bild des Fensters in DATEI speichern, dann beenden.</translation>
    </message>
    <message>
        <source>Delay before --screenshot.</source>
        <translation>Wartezeit vor --screenshot.</translation>
    </message>
    <message>
        <source>The language: en or de (default: the system&apos;s).</source>
        <translation>Die Sprache: en oder de (Vorgabe: die des Systems).</translation>
    </message>
    <message>
        <source>The page to show first: %1.</source>
        <translation>Die zuerst anzuzeigende Seite: %1.</translation>
    </message>
    <message>
        <source>Start kappad --demo on a temporary directory and connect to it (instead of --url).</source>
        <translation>kappad --demo in einem temporären Verzeichnis starten und sich damit verbinden (statt --url).</translation>
    </message>
    <message>
        <source>Open a wizard once connected: %1.</source>
        <translation>Nach dem Verbinden einen Assistenten öffnen: %1.</translation>
    </message>
</context>
</TS>
