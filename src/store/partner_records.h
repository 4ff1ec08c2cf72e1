// store/partner_records.h: the rows of migration 0014 (partners and the
// customers' written authorizations for a new carrier) as tx_partners.cc
// reads and writes them. services/partners.h gives them meaning; the store
// knows nothing of the rules: kinds, terms and dates are plain text.
#pragma once

#include <cstdint>
#include <string>

#include "core/ids.h"
#include "core/time.h"

namespace proprio::store {

struct PartnerRow {
  int64_t id = 0;
  CarrierId carrier;
  std::string name;
  std::string kind;  // rules::PartnerKind name
  std::string contact;
  std::string agreement_document;      // "" = no agreement on record
  std::string agreement_effective_on;  // YYYY-MM-DD
  std::string agreement_expires_on;    // "" = none
  std::string agreement_terms;         // ','-separated attested terms
  std::string certification_document;  // "" = none on record
  std::string certification_signed_on;
  std::string certification_expires_on;
  Instant created_at;
  Instant updated_at;
  int64_t ledger_seq = 0;
};

struct NewCarrierAuthorizationRow {
  int64_t id = 0;
  CarrierId carrier;
  CustomerId customer;
  std::string new_carrier;
  std::string document_id;
  std::string signed_on;  // YYYY-MM-DD
  Instant recorded_at;
  std::string recorded_by;
  int64_t ledger_seq = 0;
};

}  // namespace proprio::store
