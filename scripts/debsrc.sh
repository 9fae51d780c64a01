# debsrc.sh: fetch a Debian source package when a test or the bench needs a real library
# (third-party source never enters the repository); sourced (bash). The package lists come
# from a private apt state (the machine's apt configuration is left alone), the upstream
# tarball is unpacked with tar (no dpkg-dev needed), and both are cached in CACHE for the
# other scenarios and runs.

# debsrc_fetch PACKAGE DEST CACHE: DEST becomes the unpacked upstream source tree of PACKAGE.
# On failure: status 1 and the reason on standard error (the caller skips, saying why).
debsrc_fetch() {
    local pkg=$1 dest=$2 cache=$3 uri suite tarball
    mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$cache/$pkg" ||
        { echo "cannot create $cache" >&2; return 1; }
    command -v apt-get >/dev/null || { echo "no apt-get here: cannot fetch $pkg's Debian source" >&2; return 1; }
    # The machine's own Debian mirror and suite (deb822 or one-line), else Debian's.
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    suite=$(awk '/^Suites:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    if [ -z "$uri" ]; then
        read -r uri suite < <(awk '$1 == "deb" && $2 !~ /^\[/ { print $2, $3; exit }' /etc/apt/sources.list 2>/dev/null)
    fi
    uri=${uri:-http://deb.debian.org/debian} suite=${suite:-bookworm}
    (
        flock 9
        if ! ls "$cache/$pkg"/*.orig.tar.* >/dev/null 2>&1; then
            printf 'deb-src %s %s main\n' "$uri" "$suite" >"$cache/sources.list"
            local opts=(-q -o Dir::Etc::SourceList="$cache/sources.list" -o Dir::Etc::SourceParts=-
                -o Dir::State::Lists="$cache/lists" -o Dir::Cache::Archives="$cache/archives"
                -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
            [ -n "$(ls "$cache/lists" 2>/dev/null | grep -v partial)" ] ||
                apt-get "${opts[@]}" update >"$cache/update.log" 2>&1 ||
                { echo "apt-get update: $(tail -n 1 "$cache/update.log")" >"$cache/$pkg/why"; exit 1; }
            (cd "$cache/$pkg" && apt-get "${opts[@]}" source --download-only "$pkg") >"$cache/$pkg.log" 2>&1 ||
                { echo "apt-get source: $(grep -m1 -E '^(E|W):' "$cache/$pkg.log")" >"$cache/$pkg/why"; exit 1; }
        fi
    ) 9>"$cache/lock" ||
        { echo "cannot fetch $pkg's Debian source ($(cat "$cache/$pkg/why" 2>/dev/null))" >&2; return 1; }
    tarball=$(ls "$cache/$pkg"/*.orig.tar.* | head -n 1)
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp" && tar -xf "$tarball" -C "$dest.tmp" ||
        { echo "cannot unpack $tarball" >&2; return 1; }
    mv "$dest.tmp"/* "$dest" && rmdir "$dest.tmp" || { echo "unexpected layout in $tarball" >&2; return 1; }
}
