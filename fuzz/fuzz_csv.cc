// The CSV reader (core/csv.h) on any bytes: it ends, every record's raw text
// lies inside the input, lines never go backwards, every error names why,
// and a record that fails to read is never a record.
#include <cstdint>
#include <string>
#include <vector>

#include "core/csv.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = AsText(data, size);
  proprio::CsvReader reader(text, 4096);
  std::vector<std::string> fields;
  int64_t last_line = 0;
  size_t last_offset = 0;
  for (size_t steps = 0;; ++steps) {
    FUZZ_CHECK(steps <= size + 1, "the reader makes progress");
    const auto state = reader.Next(&fields);
    if (state == proprio::CsvReader::State::kEnd) break;
    FUZZ_CHECK(reader.line() >= last_line, "lines never go backwards");
    FUZZ_CHECK(reader.offset() >= last_offset && reader.offset() <= size, "offset in range");
    last_line = reader.line();
    last_offset = reader.offset();
    if (state == proprio::CsvReader::State::kError) {
      FUZZ_CHECK(!reader.error().empty(), "an error says why");
      continue;
    }
    const std::string_view raw = reader.raw();
    FUZZ_CHECK(raw.data() >= text.data() && raw.data() + raw.size() <= text.data() + size,
               "raw text lies inside the input");
    FUZZ_CHECK(raw.size() <= 4096, "a record is bounded");
    size_t bytes = 0;
    for (const auto& f : fields) bytes += f.size();
    FUZZ_CHECK(bytes <= raw.size(), "fields hold no more bytes than the record");
  }
  return 0;
}
