#!/bin/sh
# Refresh the vendored axe-core (accessibility engine the browser tests inject) from npm.
set -eu
VERSION=4.14.1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "axe-core@$VERSION" >/dev/null
tar xzf "axe-core-$VERSION.tgz"
cp package/axe.min.js package/LICENSE "$here/"
echo "$VERSION" >"$here/VERSION"
