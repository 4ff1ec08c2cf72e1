// proprio import customers --carrier ID FILE.csv [--skip-invalid [--rejects PATH]]
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "core/csv.h"
#include "services/importer.h"

namespace proprio::cli {
namespace {

// A read-only view of a whole file, mapped rather than copied: imports of a
// million rows should not hold the file twice.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path) {
    MappedFile f;
    f.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd_ < 0) return Status::NotFound("cannot open '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(f.fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      return Status::InvalidArgument("'" + path + "' is not a regular file", "file");
    }
    f.size_ = static_cast<size_t>(st.st_size);
    if (f.size_ > 0) {
      f.data_ = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, f.fd_, 0);
      if (f.data_ == MAP_FAILED) {
        f.data_ = nullptr;
        return Status::Internal("cannot map '" + path + "': " + std::strerror(errno));
      }
      ::madvise(f.data_, f.size_, MADV_SEQUENTIAL);
    }
    return f;
  }
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept : fd_(o.fd_), data_(o.data_), size_(o.size_) {
    o.fd_ = -1;
    o.data_ = nullptr;
  }
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile() {
    if (data_) ::munmap(data_, size_);
    if (fd_ >= 0) ::close(fd_);
  }
  std::string_view view() const {
    return data_ ? std::string_view(static_cast<const char*>(data_), size_) : std::string_view();
  }

 private:
  int fd_ = -1;
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

void RegisterImport(CLI::App& app, Context& ctx) {
  CLI::App* group = AddCommand(app, "import", "Bulk imports");
  group->require_subcommand(1);
  struct Args {
    int64_t carrier = 0;
    std::string file;
    bool skip_invalid = false;
    std::string rejects;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddCommand(*group, "customers",
                             "Import customers from a CSV file (columns: see the README). By "
                             "default nothing is imported if any row is bad.");
  cmd->add_option("--carrier", args->carrier, "carrier id")->required();
  cmd->add_option("file", args->file, "the CSV file")->required();
  cmd->add_flag("--skip-invalid", args->skip_invalid,
                "import the good rows and write the bad ones, with reasons, to --rejects");
  cmd->add_option("--rejects", args->rejects,
                  "where --skip-invalid writes rejected rows (default: FILE.rejects.csv)");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      auto file = MappedFile::Open(args->file);
      if (!file.ok()) return Fail(ctx, file.status());
      auto store = ctx.OpenStore();
      if (!store.ok()) return Fail(ctx, store.status());

      std::string rejects_path = args->rejects;
      if (rejects_path.empty()) rejects_path = args->file + ".rejects.csv";
      std::ofstream rejects;
      if (args->skip_invalid) {
        rejects.open(rejects_path, std::ios::trunc);
        if (!rejects) {
          return Fail(ctx, Status::InvalidArgument("cannot write '" + rejects_path + "'", "rejects"));
        }
        rejects << "line,column,reason,record\n";
      }

      services::ImportOptions options;
      options.carrier = CarrierId(args->carrier);
      options.skip_invalid = args->skip_invalid;
      options.source_name = args->file;
      std::vector<services::ImportRowError> shown;
      options.on_reject = [&](const services::ImportRowError& e) {
        if (rejects.is_open()) {
          rejects << e.line << "," << CsvField(e.column) << "," << CsvField(e.reason) << ","
                  << CsvField(e.raw) << "\n";
        }
      };
      const bool tty = ::isatty(STDERR_FILENO) && !ctx.global.json;
      const auto started = std::chrono::steady_clock::now();
      if (tty) {
        options.progress = [](size_t done, size_t total, int64_t rows) {
          const int width = 30;
          const double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
          const int filled = static_cast<int>(frac * width);
          std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %lld rows", filled,
                       "##############################", width - filled, "",
                       static_cast<int>(frac * 100), static_cast<long long>(rows));
          std::fflush(stderr);
        };
      }
      auto report = services::ImportCustomersCsv(**store, file->view(), options, ctx.actor());
      if (tty) std::fprintf(stderr, "\n");
      if (!report.ok()) return Fail(ctx, report.status());
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

      if (ctx.global.json) {
        nlohmann::json errors = nlohmann::json::array();
        for (const auto& e : report->first_errors) {
          errors.push_back({{"line", e.line}, {"column", e.column}, {"reason", e.reason}});
        }
        nlohmann::json out = {{"committed", report->committed}, {"rows", report->rows},
                              {"imported", report->imported}, {"rejected", report->rejected},
                              {"errors", errors}, {"file_sha256", report->file_sha256},
                              {"ledger_entry", report->ledger_seq}};
        if (args->skip_invalid) out["rejects_file"] = rejects_path;
        PrintJson(out);
      } else {
        for (const auto& e : report->first_errors) {
          std::cerr << args->file << ": line " << e.line;
          if (!e.column.empty()) std::cerr << ", column " << e.column;
          std::cerr << ": " << e.reason << "\n";
        }
        if (report->rejected > static_cast<int64_t>(report->first_errors.size())) {
          std::cerr << "... and " << report->rejected - static_cast<int64_t>(report->first_errors.size())
                    << " more bad rows\n";
        }
        if (report->committed) {
          std::printf("imported %lld of %lld rows in %.2f s", static_cast<long long>(report->imported),
                      static_cast<long long>(report->rows), secs);
          if (report->rejected > 0) {
            std::printf("; %lld rejected rows written to %s", static_cast<long long>(report->rejected),
                        rejects_path.c_str());
          }
          std::printf(" (ledger entry %lld)\n", static_cast<long long>(report->ledger_seq));
        } else {
          std::fprintf(stderr,
                       "nothing imported: %lld of %lld rows are bad. Fix them, or use "
                       "--skip-invalid to import the good rows.\n",
                       static_cast<long long>(report->rejected), static_cast<long long>(report->rows));
        }
      }
      if (!report->committed) return 2;
      return 0;
    };
  });
}

}  // namespace proprio::cli
