# debsrc.sh: fetch a Debian source package at test time (third-party source never enters the
# repository), sourced after lib.sh. The package lists come from a private apt state (the
# machine's apt configuration is left alone), the upstream tarball is unpacked with tar (no
# dpkg-dev needed), and both are cached in $TOP/$B/debsrc for the other scenarios and runs.
# When the source cannot be had, the scenario is skipped, saying why.

# debsrc_fetch PACKAGE DEST: DEST becomes the unpacked upstream source tree of PACKAGE.
debsrc_fetch() {
    local pkg=$1 dest=$2 cache uri suite tarball
    cache=${JUMP_DEBSRC_CACHE:-$TOP/${B:-build}/debsrc}
    mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$cache/$pkg" || skip "cannot create $cache"
    command -v apt-get >/dev/null || skip "no apt-get here: cannot fetch $pkg's Debian source"
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
    ) 9>"$cache/lock" || skip "cannot fetch $pkg's Debian source ($(cat "$cache/$pkg/why" 2>/dev/null))"
    tarball=$(ls "$cache/$pkg"/*.orig.tar.* | head -n 1)
    mkdir -p "$dest.tmp" && tar -xf "$tarball" -C "$dest.tmp" || fail "cannot unpack $tarball"
    mv "$dest.tmp"/* "$dest" && rmdir "$dest.tmp" || fail "unexpected layout in $tarball"
}
