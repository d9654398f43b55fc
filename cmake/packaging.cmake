# Installing and packaging ZPE: `cmake --install` and `cpack -G DEB` (from the build folder,
# after `cmake --build build --target zpe`). The Debian package holds the zpe binary
# (/usr/bin), the files it reads at run time (/usr/share/zpe: models/, data/xjustiz/; the
# web UI's own files are compiled into the binary), the default config as a conffile
# (/etc/zpe/zpe.toml), the systemd units (/lib/systemd/system) and the maintainer scripts
# that create the system user zpe and /var/lib/zpe (packaging/debian/). docs/OPERATIONS.md
# says how to install and run it; tests/package/package_test.sh checks the package.
include(GNUInstallDirs)

# Packaging installs what is built; it does not build the test suite first (cpack and
# `cmake --install` would otherwise build every target). Build zpe before packaging.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS zpe RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/zpe/models
        FILES_MATCHING PATTERN "*.json")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/data/xjustiz/ DESTINATION ${CMAKE_INSTALL_DATADIR}/zpe/data/xjustiz)
install(FILES ${CMAKE_SOURCE_DIR}/config/zpe.toml DESTINATION /etc/zpe)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/sysusers.d/zpe.conf DESTINATION lib/sysusers.d)
file(GLOB ZPE_SYSTEMD_UNITS ${CMAKE_SOURCE_DIR}/packaging/systemd/*.service)
install(FILES ${ZPE_SYSTEMD_UNITS} DESTINATION /lib/systemd/system)
foreach(dropin_dir zpe.service.d zpe-.service.d)
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/zpe-.service.d/50-zpe-hardening.conf
          DESTINATION /lib/systemd/system/${dropin_dir})
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/OPERATIONS.md ${CMAKE_SOURCE_DIR}/docs/CONFIG.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(ZPE_PACKAGE_MAINTAINER "ZPE maintainers <root@localhost>" CACHE STRING
    "Maintainer field of the Debian package (Name <address>)")

set(CPACK_PACKAGE_NAME zpe)
set(CPACK_PACKAGE_VENDOR "ZPE")
set(CPACK_PACKAGE_CONTACT "${ZPE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "digital mailroom: scan intake, OCR, classification, signing, routing to case files")
set(CPACK_PACKAGE_DESCRIPTION "ZPE turns scanned paper mail into filed electronic documents: watch-folder \
intake, clean-up, batch separation, quality verdicts, OCR into PDF/A, classification against the case \
registry, PAdES signature, routing to the case file, an event feed for the case system and a write-once \
archive. Uncertain documents wait in the clearing station, a web UI for operators.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared libraries from dpkg-shlibdeps; what zpe reads or runs besides them, by hand:
# OCR models (German default, orientation), the PDF/A ICC profile, the signature stamp's
# font, the web UI's Bootstrap and Chart.js, adduser where systemd-sysusers is missing.
find_program(ZPE_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(ZPE_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "tesseract-ocr-deu, tesseract-ocr-osd, icc-profiles-free, fonts-dejavu-core, libjs-bootstrap5, libjs-chart.js, systemd | adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tesseract-ocr-eng, sqlite3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "softhsm2, opensc-pkcs11")
# /etc/zpe/zpe.toml is a conffile: an administrator's edits survive upgrades.
file(WRITE ${CMAKE_BINARY_DIR}/packaging/conffiles "/etc/zpe/zpe.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/packaging/conffiles
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
