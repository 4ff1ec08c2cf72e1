#include "ledger/proof.h"

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace proprio::ledger {

using nlohmann::json;

std::string InclusionProof::ToJson() const {
  json j;
  j["format"] = "proprio-inclusion-proof/1";
  j["carrier"] = carrier.value();
  j["entry"] = entry;
  j["leaf_index"] = entry - 1;
  j["tree_size"] = tree_size;
  j["entry_hex"] = ToHex(entry_bytes);
  j["leaf_hash"] = HashHex(LeafHash(entry_bytes));
  json path = json::array();
  for (const Hash& h : audit_path) path.push_back(HashHex(h));
  j["audit_path"] = path;
  j["root"] = HashHex(root);
  return j.dump(2);
}

Result<InclusionProof> InclusionProof::FromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("proof: not a JSON object");
  }
  auto need = [&](const char* field, json::value_t t1, json::value_t t2) -> Status {
    if (!j.contains(field) || (j[field].type() != t1 && j[field].type() != t2)) {
      return Status::InvalidArgument(std::string("proof: field '") + field +
                                         "' is missing or has the wrong type",
                                     field);
    }
    return Status::Ok();
  };
  using V = json::value_t;
  RETURN_IF_ERROR(need("format", V::string, V::string));
  if (j["format"] != "proprio-inclusion-proof/1") {
    return Status::InvalidArgument("proof: unknown format " + j["format"].dump(), "format");
  }
  RETURN_IF_ERROR(need("carrier", V::number_unsigned, V::number_integer));
  RETURN_IF_ERROR(need("entry", V::number_unsigned, V::number_integer));
  RETURN_IF_ERROR(need("tree_size", V::number_unsigned, V::number_integer));
  RETURN_IF_ERROR(need("entry_hex", V::string, V::string));
  RETURN_IF_ERROR(need("audit_path", V::array, V::array));
  RETURN_IF_ERROR(need("root", V::string, V::string));
  InclusionProof p;
  p.carrier = CarrierId(j["carrier"].get<int64_t>());
  p.entry = j["entry"].get<int64_t>();
  p.tree_size = j["tree_size"].get<uint64_t>();
  auto bytes = FromHex(j["entry_hex"].get<std::string>());
  if (!bytes.ok()) return Status::InvalidArgument("proof: entry_hex is not hex", "entry_hex");
  p.entry_bytes = *bytes;
  for (const auto& h : j["audit_path"]) {
    Hash hash;
    if (!h.is_string() || !ParseHashHex(h.get<std::string>(), &hash)) {
      return Status::InvalidArgument("proof: audit_path holds a value that is not a SHA-256 hex",
                                     "audit_path");
    }
    p.audit_path.push_back(hash);
  }
  if (!ParseHashHex(j["root"].get<std::string>(), &p.root)) {
    return Status::InvalidArgument("proof: root is not a SHA-256 hex", "root");
  }
  if (p.entry < 1) return Status::InvalidArgument("proof: entry must be >= 1", "entry");
  return p;
}

InclusionProof MakeProof(CarrierId carrier, int64_t seq, const std::vector<Hash>& leaves,
                         std::string entry_bytes) {
  InclusionProof p;
  p.carrier = carrier;
  p.entry = seq;
  p.tree_size = leaves.size();
  p.entry_bytes = std::move(entry_bytes);
  p.audit_path = InclusionPath(leaves, static_cast<uint64_t>(seq - 1));
  p.root = MerkleRoot(leaves);
  return p;
}

ProofCheck CheckProof(const InclusionProof& proof, const Hash& trusted_root) {
  ProofCheck out;
  auto decoded = Entry::Decode(proof.entry_bytes);
  if (!decoded.ok()) {
    out.reason = "the entry in the proof does not decode: " + decoded.status().message();
    return out;
  }
  out.entry = *decoded;
  if (decoded->seq != proof.entry || decoded->carrier != proof.carrier) {
    out.reason = "the entry's own sequence number or carrier differs from the proof's";
    return out;
  }
  if (proof.root != trusted_root) {
    out.reason = "the proof is for root " + HashHex(proof.root) + ", not the trusted root";
    return out;
  }
  if (!VerifyInclusion(LeafHash(proof.entry_bytes), static_cast<uint64_t>(proof.entry - 1),
                       proof.tree_size, proof.audit_path, trusted_root)) {
    out.reason = "the audit path does not lead from the entry to the trusted root";
    return out;
  }
  out.valid = true;
  out.reason = "ok";
  return out;
}

}  // namespace proprio::ledger
