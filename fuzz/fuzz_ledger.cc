// Ledger bytes from anywhere (audit check-proof reads files a carrier's
// auditor hands over): an entry decodes or is refused; decoded, it encodes
// back to the same bytes, and the in-place view agrees with the copy. A
// proof in JSON parses or is refused, and checking it never crashes.
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "ledger/entry.h"
#include "ledger/proof.h"

using namespace proprio::ledger;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = AsText(data, size);
  auto entry = Entry::Decode(bytes);
  auto view = EntryView::Parse(bytes);
  FUZZ_CHECK(entry.ok() == view.ok(), "the view and the copy accept the same bytes");
  if (entry.ok()) {
    FUZZ_CHECK(entry->Encode() == bytes, "an accepted entry encodes to its own bytes");
    FUZZ_CHECK(view->seq == entry->seq && view->type == entry->type &&
                   view->subject == entry->subject && view->body == entry->body &&
                   view->prev_hash == entry->prev_hash,
               "the view reads what the copy reads");
  }
  if (auto proof = InclusionProof::FromJson(bytes); proof.ok()) {
    const ProofCheck check = CheckProof(*proof, proof->root);
    FUZZ_CHECK(!check.reason.empty(), "a proof check says why");
    auto again = InclusionProof::FromJson(proof->ToJson());
    FUZZ_CHECK(again.ok() && again->ToJson() == proof->ToJson(), "a proof survives JSON");
  }
  return 0;
}
