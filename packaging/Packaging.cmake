# Debian packages, built with CPack from a configured and built tree:
#
#   cmake --build build/default --target kappad kappactl kappa-console
#   cd build/default && cpack -G DEB          # kappad_, kappactl_ and kappa-console_<v>-1_<arch>.deb
#
# One package per install component (CPACK_DEB_COMPONENT_INSTALL):
#   kappad    /usr/sbin/kappad, /lib/systemd/system/kappad.service,
#             /etc/kappa/kappad.toml (conffile), maintainer scripts that create
#             the system user "kappa" and /var/lib/kappa
#   kappactl  /usr/bin/kappactl
#   kappa-console  /usr/bin/kappa-console, its .desktop file and SVG icon
#             (built with KAPPA_BUILD_CONSOLE, the default)
#
# The unit and the config have absolute destinations and are EXCLUDE_FROM_ALL,
# so that a plain `cmake --install` of a development build (prefix /usr/local)
# does not write to /etc or /lib; only the package (component) install has them.
# tests/packaging checks the built packages.

set(KAPPA_PACKAGE_MAINTAINER "Kappa maintainers <kappa-maintainers@example.org>"
    CACHE STRING "Maintainer field of the Debian packages")

set(_kappa_pkg_dir ${CMAKE_CURRENT_LIST_DIR})
set(_kappa_ctrl_dir ${CMAKE_BINARY_DIR}/packaging/kappad-control)

install(FILES ${_kappa_pkg_dir}/systemd/kappad.service
        DESTINATION /lib/systemd/system COMPONENT kappad EXCLUDE_FROM_ALL)
install(FILES ${_kappa_pkg_dir}/kappad.toml
        DESTINATION /etc/kappa COMPONENT kappad EXCLUDE_FROM_ALL)
set(_kappa_components kappad kappactl)
if(KAPPA_BUILD_CONSOLE)
    list(APPEND _kappa_components kappa-console)
endif()
foreach(_kappa_component IN LISTS _kappa_components)
    install(FILES ${CMAKE_SOURCE_DIR}/LICENSES/Apache-2.0.txt
            DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${_kappa_component} RENAME copyright
            COMPONENT ${_kappa_component} EXCLUDE_FROM_ALL)
endforeach()

# Maintainer scripts of the kappad package. They only touch what the package
# owns: the user, its state directory, systemd's view of the unit. A first
# install does not start kappad (it needs an event log first, see kappad.toml);
# an upgrade restarts a running one (graceful stop, final checkpoints). Removal
# stops it; purge removes its enablement but keeps /var/lib/kappa (the event
# log is the source of truth, deleting it is the administrator's call) and the
# user (Debian practice: its uid may still own files).
file(WRITE ${_kappa_ctrl_dir}/conffiles "/etc/kappa/kappad.toml\n")
file(WRITE ${_kappa_ctrl_dir}/postinst [=[#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if ! getent passwd kappa >/dev/null; then
        adduser --system --group --quiet --home /var/lib/kappa --no-create-home kappa
    fi
    # systemd creates it on start (StateDirectory=kappa), but kappactl needs it before.
    if [ ! -d /var/lib/kappa ]; then
        install -d -o kappa -g kappa -m 0750 /var/lib/kappa
    fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null || true
        if [ -n "$2" ]; then
            systemctl try-restart kappad.service >/dev/null || true
        fi
    fi
fi
exit 0
]=])
file(WRITE ${_kappa_ctrl_dir}/prerm [=[#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop kappad.service >/dev/null || true
fi
exit 0
]=])
file(WRITE ${_kappa_ctrl_dir}/postrm [=[#!/bin/sh
set -e
if [ "$1" = purge ]; then
    rm -f /etc/systemd/system/multi-user.target.wants/kappad.service
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null || true
fi
exit 0
]=])

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kappa)
set(CPACK_PACKAGE_VENDOR "Kappa")
set(CPACK_PACKAGE_VERSION ${Kappa_VERSION})
set(CPACK_PACKAGE_CONTACT "${KAPPA_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# CPackDeb puts CPACK_PACKAGE_DESCRIPTION_SUMMARY (by default the project's
# description) in front of every component's description unless it is CPack's
# own default, "<project> built using CMake". Setting that value keeps each
# package's first description line, its own synopsis, as the synopsis.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
# The RelWithDebInfo binaries are ~60 MB each with debug info, a few MB without.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${_kappa_components})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KAPPA_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries' DT_NEEDED (dpkg-shlibdeps, from dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_KAPPAD_PACKAGE_NAME kappad)
set(CPACK_DEBIAN_KAPPAD_PACKAGE_SECTION net)
set(CPACK_DEBIAN_KAPPAD_PACKAGE_DEPENDS "adduser")
# kappactl creates the event log and the tokens that kappad serves.
set(CPACK_DEBIAN_KAPPAD_PACKAGE_RECOMMENDS "kappactl")
set(CPACK_DEBIAN_KAPPAD_PACKAGE_CONTROL_EXTRA
    ${_kappa_ctrl_dir}/conffiles ${_kappa_ctrl_dir}/postinst ${_kappa_ctrl_dir}/prerm ${_kappa_ctrl_dir}/postrm)
set(CPACK_COMPONENT_KAPPAD_DESCRIPTION "Kappa streaming engine service
kappad runs the Kappa engine's jobs over an event log on the local disk
(checkpointed state, views rebuilt by replay from offset zero) and serves
views, metrics and operations over an HTTP API with bearer tokens.
It runs under systemd as the user kappa with its data in /var/lib/kappa;
settings are in /etc/kappa/kappad.toml.")

set(CPACK_DEBIAN_KAPPACTL_PACKAGE_NAME kappactl)
set(CPACK_DEBIAN_KAPPACTL_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_KAPPACTL_DESCRIPTION "Kappa streaming engine command-line tool
kappactl works on a Kappa data directory: it generates sample events,
inspects and verifies the event log, manages schemas, runs and drops job
versions, reads views and manages the service's bearer tokens.")

set(CPACK_DEBIAN_KAPPA-CONSOLE_PACKAGE_NAME kappa-console)
set(CPACK_DEBIAN_KAPPA-CONSOLE_PACKAGE_SECTION admin)
# Qt loads the SVG icons and the platform integration as plugins, which
# dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_KAPPA-CONSOLE_PACKAGE_DEPENDS "libqt6svg6, qt6-qpa-plugins")
# kappad makes "Start local demo" work; Qt's translations its own buttons in German.
set(CPACK_DEBIAN_KAPPA-CONSOLE_PACKAGE_RECOMMENDS "kappad, qt6-translations-l10n")
set(CPACK_COMPONENT_KAPPA-CONSOLE_DESCRIPTION "Kappa streaming engine operations console
kappa-console is a Qt desktop console for kappad: an overview of every job
version with lag, rates and SLO status, live dashboards, replays, views and
the audit log, and wizards that guide a throttled replay, its validation,
the approved traffic switch and a rollback. It can start a local demo.")

include(CPack)
