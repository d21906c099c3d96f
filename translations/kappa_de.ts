<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>kappa::console::MainWindow</name>
    <message>
        <source>Kappa console</source>
        <translation>Kappa-Konsole</translation>
    </message>
    <message>
        <source>kappad&apos;s URL; the list holds the connections that worked</source>
        <translation>URL von kappad; die Liste enthält die Verbindungen, die funktioniert haben</translation>
    </message>
    <message>
        <source>token file (empty: anonymous viewer)</source>
        <translation>Token-Datei (leer: anonym, nur lesen)</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>kappad:</source>
        <translation>kappad:</translation>
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
        <source>Cannot read the token file %1: %2</source>
        <translation>Die Token-Datei %1 kann nicht gelesen werden: %2</translation>
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
        <source>kappad at %1 cannot be reached (%2); retrying every second.</source>
        <translation>kappad unter %1 ist nicht erreichbar (%2); neuer Versuch jede Sekunde.</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
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
        <source>Rate (events/s)</source>
        <translation>Rate (Ereignisse/s)</translation>
    </message>
    <message>
        <source>Latency p99 (ms)</source>
        <translation>Latenz p99 (ms)</translation>
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
        <source>The page to show first: overview or replays.</source>
        <translation>Die zuerst gezeigte Seite: overview oder replays.</translation>
    </message>
    <message>
        <source>The language: en or de (default: the system&apos;s).</source>
        <translation>Die Sprache: en oder de (Vorgabe: die des Systems).</translation>
    </message>
</context>
</TS>
