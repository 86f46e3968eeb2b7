# Sourced by e2e tests that need a tool from Debian: install it, or skip.

# skip REASON: this test cannot run on this machine; say why and pass.
skip() {
  echo "skipped: $*"
  exit 0
}

# apt_install_or_skip WHAT APT-ARGS...: install with apt-get as root (once
# more after apt-get update), or skip the test naming WHAT.
apt_install_or_skip() {
  _what=$1
  shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $_what with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; } ||
      skip "$_what is missing and apt-get could not install it (no network?)"
  else
    skip "$_what is missing and we are not root to install it (apt-get install $_what)"
  fi
}
