#!/usr/bin/env bash
# Render the pages the README shows: the first page of the province's Quyết định and of the
# Sở Nội vụ's Tờ trình thẩm định, the first Bằng khen of its print file and the calibration page
# of its Bằng khen phôi, from the demo's output, through LibreOffice and pdftoppm (apt-get install libreoffice-writer-nogui
# fonts-liberation2 poppler-utils).
set -euo pipefail
src=${1:-var/demo/van_ban}
out=${2:-docs}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/quyet_dinh/QD_01-QĐ-UBND.docx" "$work/quyet-dinh.docx"
cp "$src/in_bang_khen/in_bang_khen_01-QĐ-UBND.docx" "$work/bang-khen.docx"
cp "$src/in_phoi/hieu_chinh_BK_TINH.docx" "$work/hieu-chinh-phoi.docx"
cp "$src/to_trinh_tham_dinh/TTr_01-TTr-SNV_tham_dinh.docx" "$work/to-trinh-tham-dinh.docx"
soffice --headless --norestore "-env:UserInstallation=file://$work/profile" \
  --convert-to pdf --outdir "$work" "$work/quyet-dinh.docx" "$work/bang-khen.docx" \
  "$work/hieu-chinh-phoi.docx" "$work/to-trinh-tham-dinh.docx" > /dev/null
pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$work/quyet-dinh.pdf" "$out/quyet-dinh"
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$work/bang-khen.pdf" "$out/bang-khen"
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$work/hieu-chinh-phoi.pdf" "$out/hieu-chinh-phoi"
pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$work/to-trinh-tham-dinh.pdf" "$out/to-trinh-tham-dinh"
ls -l "$out"/*.png
