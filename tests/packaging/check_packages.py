#!/usr/bin/env python3
"""Builds the kappad, kappactl and (with --console) kappa-console Debian packages with CPack from a build tree,
unpacks each into a throwaway root (dpkg-deb -x, -e) and checks what they
install: names, versions, dependencies, files, the conffile, the maintainer
scripts, the hardened systemd unit, and that kappad accepts the default config.
Exits non-zero with one line per failed check."""
import argparse, glob, os, shutil, subprocess, sys, tempfile

failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def field(deb, name):
    return run("dpkg-deb", "-f", deb, name).stdout.strip()


def unpack(deb, work, name):
    root, ctrl = os.path.join(work, name, "root"), os.path.join(work, name, "DEBIAN")
    os.makedirs(root)
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    subprocess.run(["dpkg-deb", "-e", deb, ctrl], check=True)
    files = sorted(line.split()[-1].lstrip(".") for line in run("dpkg-deb", "-c", deb).stdout.splitlines()
                   if not line.startswith("d"))
    return root, ctrl, files


def check_common(deb, name, version, arch, files, binary, root, synopsis):
    check(field(deb, "Package") == name, f"{name}: Package is {field(deb, 'Package')!r}")
    check(field(deb, "Version") == version + "-1", f"{name}: Version {field(deb, 'Version')!r} is {version}-1")
    check(field(deb, "Architecture") == arch, f"{name}: Architecture {field(deb, 'Architecture')!r}")
    check("<" in field(deb, "Maintainer"), f"{name}: Maintainer has an address")
    description = field(deb, "Description")
    check(description.startswith(synopsis + "\n") and description.count("\n") >= 2,
          f"{name}: Description is {synopsis!r} and a body")
    depends = field(deb, "Depends")
    check("libc6" in depends, f"{name}: Depends from dpkg-shlibdeps ({depends})")
    check(f"/usr/share/doc/{name}/copyright" in files, f"{name}: ships its copyright file")
    exe = root + binary
    check(os.access(exe, os.X_OK), f"{name}: {binary} is executable")
    # The console needs a Qt platform even for --help; offscreen needs no display.
    help_run = run(exe, "--help", env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    check(help_run.returncode == 0 and "--" in help_run.stdout, f"{name}: {binary} --help runs from the root")
    sections = run("readelf", "-S", exe).stdout if shutil.which("readelf") else ""
    check(".debug_info" not in sections, f"{name}: {binary} is stripped")
    return depends


HARDENING = ["Type=notify", "User=kappa", "StateDirectory=kappa", "ConfigurationDirectory=kappa",
             "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes",
             "NoNewPrivileges=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
             "ProtectKernelLogs=yes", "ProtectControlGroups=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
             "SystemCallFilter=@system-service", "CapabilityBoundingSet=", "MemoryDenyWriteExecute=yes",
             "LockPersonality=yes", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
             "ExecStart=/usr/sbin/kappad --config /etc/kappa/kappad.toml"]


def check_unit(root, work):
    unit = os.path.join(root, "lib/systemd/system/kappad.service")
    check(os.path.isfile(unit), "kappad: lib/systemd/system/kappad.service")
    lines = {line.strip() for line in open(unit)}
    for directive in HARDENING:
        check(directive in lines, f"kappad.service: {directive}")
    values = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in lines if "=" in line and line[0] != "#"}
    check(int(values.get("WatchdogSec", "0")) > 0, "kappad.service: WatchdogSec set")
    check(int(values.get("TimeoutStopSec", "0")) >= 60, "kappad.service: TimeoutStopSec ≥ 60 s for the final checkpoint")
    if not shutil.which("systemd-analyze"):
        print("skip  systemd-analyze verify: systemd-analyze not installed (directives checked textually)")
        return
    # verify needs ExecStart's binary to exist, so point it at the unpacked one. Unknown or
    # malformed directives are only warnings to systemd, so any output counts as a failure.
    os.makedirs(os.path.join(work, "verify"))
    copy = os.path.join(work, "verify", "kappad.service")
    with open(copy, "w") as out:
        out.write(open(unit).read().replace("/usr/sbin/kappad ", root + "/usr/sbin/kappad "))
    verify = run("systemd-analyze", "verify", copy)
    output = (verify.stdout + verify.stderr).strip()
    check(verify.returncode == 0 and not output, "systemd-analyze verify kappad.service: " + (output or "clean"))


def check_config(root, work):
    conffiles = open(os.path.join(work, "kappad", "DEBIAN", "conffiles")).read().split()
    check(conffiles == ["/etc/kappa/kappad.toml"], f"kappad: conffiles {conffiles}")
    config = os.path.join(root, "etc/kappa/kappad.toml")
    check(os.path.isfile(config), "kappad: etc/kappa/kappad.toml")
    text = open(config).read()
    check('data_dir = "/var/lib/kappa"' in text, "kappad.toml: data_dir = /var/lib/kappa")
    # Exit 3 (no event log) proves the file parsed and validated; 2 would be a config error.
    empty = os.path.join(work, "empty-data")
    os.makedirs(empty)
    kappad = os.path.join(root, "usr/sbin/kappad")
    started = run(kappad, "--config", config, "--data-dir", empty, "--listen", "127.0.0.1:0", timeout=60)
    check(started.returncode == 3, f"kappad accepts the default config (exit {started.returncode}, want 3): "
          + started.stderr.strip()[-300:])
    typo = os.path.join(work, "typo.toml")
    with open(typo, "w") as out:
        out.write(text + "\nlog_levle = \"info\"\n")
    rejected = run(kappad, "--config", typo, "--data-dir", empty, timeout=60)
    check(rejected.returncode == 2, f"kappad rejects an unknown key with exit 2 (exit {rejected.returncode})")


def check_console(deb, version, arch, work):
    root, ctrl, files = unpack(deb, work, "kappa-console")
    depends = check_common(deb, "kappa-console", version, arch, files, "/usr/bin/kappa-console", root,
                           "Kappa streaming engine operations console")
    check("libqt6widgets6" in depends and "libqt6svg6" in depends,
          f"kappa-console: Depends on Qt Widgets and the SVG plugin ({depends})")
    check("kappad" in field(deb, "Recommends"), "kappa-console: Recommends kappad (for the local demo)")
    expected = ["/usr/bin/kappa-console", "/usr/share/applications/kappa-console.desktop",
                "/usr/share/doc/kappa-console/copyright", "/usr/share/icons/hicolor/scalable/apps/kappa-console.svg"]
    check(files == expected, f"kappa-console: files {files}")
    desktop = open(os.path.join(root, "usr/share/applications/kappa-console.desktop")).read().splitlines()
    for line in ("[Desktop Entry]", "Type=Application", "Exec=kappa-console", "Icon=kappa-console"):
        check(line in desktop, f"kappa-console.desktop: {line}")
    if shutil.which("desktop-file-validate"):
        validated = run("desktop-file-validate", os.path.join(root, "usr/share/applications/kappa-console.desktop"))
        check(validated.returncode == 0 and not validated.stdout.strip(),
              "desktop-file-validate: " + (validated.stdout.strip() or "clean"))
    svg = open(os.path.join(root, "usr/share/icons/hicolor/scalable/apps/kappa-console.svg")).read()
    check(svg.lstrip().startswith("<svg"), "kappa-console: the icon is an SVG")


def main():
    parser = argparse.ArgumentParser()
    for option in ("--cmake", "--cpack", "--build-dir", "--version"):
        parser.add_argument(option, required=True)
    parser.add_argument("--console", action="store_true", help="the tree builds kappa-console too")
    args = parser.parse_args()
    targets = ["kappad", "kappactl"] + (["kappa-console"] if args.console else [])
    subprocess.run([args.cmake, "--build", args.build_dir, "--target", *targets], check=True)
    arch = run("dpkg", "--print-architecture").stdout.strip()
    work = tempfile.mkdtemp(prefix="kappa-packaging-")
    try:
        out = os.path.join(work, "packages")
        built = run(args.cpack, "--config", os.path.join(args.build_dir, "CPackConfig.cmake"), "-G", "DEB",
                    "-B", out, cwd=args.build_dir)
        if built.returncode != 0:
            sys.exit("cpack failed:\n" + built.stdout + built.stderr)
        debs = {os.path.basename(d).split("_")[0]: d for d in glob.glob(os.path.join(out, "*.deb"))}
        check(sorted(debs) == sorted(targets), f"cpack built {', '.join(targets)} ({sorted(debs)})")
        if sorted(debs) != sorted(targets):
            sys.exit(1)

        root, ctrl, files = unpack(debs["kappad"], work, "kappad")
        depends = check_common(debs["kappad"], "kappad", args.version, arch, files, "/usr/sbin/kappad", root,
                               "Kappa streaming engine service")
        check("libsystemd0" in depends and "adduser" in depends, "kappad: Depends on libsystemd0 and adduser")
        check("kappactl" in field(debs["kappad"], "Recommends"), "kappad: Recommends kappactl")
        expected = ["/etc/kappa/kappad.toml", "/lib/systemd/system/kappad.service", "/usr/sbin/kappad",
                    "/usr/share/doc/kappad/copyright"]
        check(files == expected, f"kappad: files {files}")
        for script in ("postinst", "prerm", "postrm"):
            path = os.path.join(ctrl, script)
            check(os.access(path, os.X_OK) and run("sh", "-n", path).returncode == 0,
                  f"kappad: {script} is an executable, well-formed shell script")
        check("adduser --system" in open(os.path.join(ctrl, "postinst")).read(), "kappad: postinst creates the user")
        check_unit(root, work)
        check_config(root, work)

        root, ctrl, files = unpack(debs["kappactl"], work, "kappactl")
        check_common(debs["kappactl"], "kappactl", args.version, arch, files, "/usr/bin/kappactl", root,
                     "Kappa streaming engine command-line tool")
        check(files == ["/usr/bin/kappactl", "/usr/share/doc/kappactl/copyright"], f"kappactl: files {files}")
        if args.console:
            check_console(debs["kappa-console"], args.version, arch, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        sys.exit(f"{len(failures)} packaging check(s) failed")


if __name__ == "__main__":
    main()
