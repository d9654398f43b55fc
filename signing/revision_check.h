// What changed after a signature: compares the revision a signature covers (the file up to
// the end of its /ByteRange) with the whole file, object by object, and names the attack
// class when a later incremental update changes what the signer saw. Used by verify_pdf.
//
// Allowed after a signature (what a later signature or validation data adds): new objects;
// in the catalog only /AcroForm, /DSS, /Perms changing; in a page only /Annots gaining
// signature widgets; in the AcroForm only /Fields gaining signature fields and /SigFlags,
// /DR, /DA, /NeedAppearances. Everything else is refused:
//   - incremental saving attack (ISA): pages, the page tree, the catalog or a page's
//     content changed, an annotation added, or bytes appended that are no proper update;
//   - shadow attack (hide/replace): an object the signed revision already contained
//     (content stream, image, font, form XObject, ...) replaced by a later definition.
// Pure function of the bytes; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zpe::signing {

// "" when nothing after `signed_end` changes the signed content; else the reason,
// starting with the attack class ("incremental saving attack: ..." / "shadow attack: ...").
std::string find_changes_after_signature(std::string_view pdf, std::size_t signed_end);

}  // namespace zpe::signing
