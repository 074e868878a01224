// The tidy CSV of a run report: row count, canonical ordering, the "all" rows
// adding up, absent targets and sections, malformed values and unwritable paths.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "sim/cli/report_csv.hpp"

namespace edgebert::cli {
namespace {

namespace json = boost::json;

const std::string kSample = std::string(EDGEBERT_SOURCE_DIR) + "/tests/cli/data/sample_report.json";
const std::vector<std::string> kModules = {"embedding", "attention", "post_processing", "ffn", "classifier"};
const std::vector<std::string> kCategories = {"register", "read",   "write",     "compute",
                                              "malloc",   "memset", "transpose", "cpu_compute"};

struct Row {
    std::string target, module, category, cycles;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) lines.push_back(line);
    return lines;
}

// Splits the CSV (names in these tests hold no quotes) after checking the header.
std::vector<Row> rows_of(const std::string& csv) {
    auto lines = lines_of(csv);
    EXPECT_FALSE(lines.empty());
    EXPECT_EQ(lines.at(0), "target,module,category,cycles");
    std::vector<Row> rows;
    for (size_t i = 1; i < lines.size(); ++i) {
        std::vector<std::string> f;
        std::stringstream ss(lines[i]);
        std::string cell;
        while (std::getline(ss, cell, ',')) f.push_back(cell);
        EXPECT_EQ(f.size(), 4u) << lines[i];
        if (f.size() == 4) rows.push_back({f[0], f[1], f[2], f[3]});
    }
    return rows;
}

json::object sample() { return parse_json_file(kSample).as_object(); }

// A target whose breakdown is `cycles(module index, category index)` for every pair.
json::object make_target(uint64_t scale) {
    json::object mc, bm, bc;
    uint64_t total = 0;
    std::vector<uint64_t> per_cat(kCategories.size(), 0);
    for (size_t m = 0; m < kModules.size(); ++m) {
        json::object cats;
        uint64_t msum = 0;
        for (size_t c = 0; c < kCategories.size(); ++c) {
            const uint64_t v = scale * (1 + m * 10 + c);
            cats[kCategories[c]] = v;
            msum += v;
            per_cat[c] += v;
        }
        mc[kModules[m]] = cats;
        bm[kModules[m]] = msum;
        total += msum;
    }
    for (size_t c = 0; c < kCategories.size(); ++c) bc[kCategories[c]] = per_cat[c];
    json::object t;
    t["total_cycles"] = total;
    t["by_module"] = bm;
    t["by_category"] = bc;
    t["by_module_category"] = mc;
    return t;
}

std::string temp_path(const std::string& name) {
    return (std::filesystem::path(::testing::TempDir()) /
            ("report_csv_" + std::to_string(getpid()) + "_" + name))
        .string();
}

TEST(ReportCsv, SampleReportHasOneRowPerTargetModuleCategoryPlusTotals) {
    const auto rows = rows_of(report_csv(sample()));
    // Per target: 5 x 8 module/category rows, 5 module totals, 8 category totals, 1 total.
    const size_t per_target = kModules.size() * kCategories.size() + kModules.size() + kCategories.size() + 1;
    EXPECT_EQ(per_target, 54u);
    ASSERT_EQ(rows.size(), 3 * per_target);
    EXPECT_EQ(rows.front().target, "edgebert");
    EXPECT_EQ(rows.back().target, "cpu");
    EXPECT_EQ(rows.back().module, "all");
    EXPECT_EQ(rows.back().category, "all");
    EXPECT_EQ(rows.back().cycles, "497878600");
}

TEST(ReportCsv, OrderIsCanonicalWhateverTheJsonOrder) {
    // Targets, modules and categories inserted in reverse / shuffled order.
    json::object targets;
    targets["zeta"] = make_target(5);
    targets["cpu"] = make_target(100);
    targets["alpha"] = make_target(3);
    targets["systolic"] = make_target(10);
    targets["edgebert"] = make_target(1);
    for (auto& kv : targets) {
        auto& t = kv.value().as_object();
        json::object mc_rev, bm_rev, bc_rev;
        const auto& mc = t["by_module_category"].as_object();
        for (auto m = kModules.rbegin(); m != kModules.rend(); ++m) {
            json::object cats;
            for (auto c = kCategories.rbegin(); c != kCategories.rend(); ++c)
                cats[*c] = mc.at(*m).as_object().at(*c);
            mc_rev[*m] = cats;
            bm_rev[*m] = t["by_module"].as_object().at(*m);
        }
        for (auto c = kCategories.rbegin(); c != kCategories.rend(); ++c)
            bc_rev[*c] = t["by_category"].as_object().at(*c);
        t["by_module_category"] = mc_rev;
        t["by_module"] = bm_rev;
        t["by_category"] = bc_rev;
    }
    json::object report;
    report["targets"] = targets;
    const auto rows = rows_of(report_csv(report));

    std::vector<std::string> target_order;
    for (const auto& r : rows)
        if (target_order.empty() || target_order.back() != r.target) target_order.push_back(r.target);
    EXPECT_EQ(target_order, (std::vector<std::string>{"edgebert", "systolic", "cpu", "alpha", "zeta"}));

    // Within the first target: each module's categories then its "all", then module "all".
    std::vector<std::pair<std::string, std::string>> expect;
    for (const auto& m : kModules) {
        for (const auto& c : kCategories) expect.emplace_back(m, c);
        expect.emplace_back(m, "all");
    }
    for (const auto& c : kCategories) expect.emplace_back("all", c);
    expect.emplace_back("all", "all");
    ASSERT_GE(rows.size(), expect.size());
    for (size_t i = 0; i < expect.size(); ++i) {
        EXPECT_EQ(rows[i].target, "edgebert");
        EXPECT_EQ(rows[i].module, expect[i].first) << "row " << i;
        EXPECT_EQ(rows[i].category, expect[i].second) << "row " << i;
    }
    // Same string twice: deterministic.
    EXPECT_EQ(report_csv(report), report_csv(report));
}

TEST(ReportCsv, AllRowsAreTheSumsOfTheBreakdown) {
    const auto rows = rows_of(report_csv(sample()));
    std::map<std::string, uint64_t> cell_sum, module_sum, category_sum;  // computed from the cells
    std::map<std::string, uint64_t> module_all, category_all, total;     // the report's "all" rows
    for (const auto& r : rows) {
        const uint64_t v = std::stoull(r.cycles);
        const std::string tm = r.target + "/" + r.module, tc = r.target + "/" + r.category;
        if (r.module != "all" && r.category != "all") {
            cell_sum[r.target] += v;
            module_sum[tm] += v;
            category_sum[tc] += v;
        } else if (r.module != "all") {
            module_all[tm] = v;
        } else if (r.category != "all") {
            category_all[tc] = v;
        } else {
            total[r.target] = v;
        }
    }
    ASSERT_EQ(total.size(), 3u);
    for (const auto& [t, v] : total) EXPECT_EQ(cell_sum[t], v) << t;
    ASSERT_EQ(module_all.size(), 15u);
    for (const auto& [k, v] : module_all) EXPECT_EQ(module_sum[k], v) << k;
    ASSERT_EQ(category_all.size(), 24u);
    for (const auto& [k, v] : category_all) EXPECT_EQ(category_sum[k], v) << k;
}

TEST(ReportCsv, AbsentTargetsAndSectionsGiveNoRows) {
    auto report = sample();
    auto& targets = report["targets"].as_object();
    targets.erase("edgebert");
    targets.erase("systolic");
    auto rows = rows_of(report_csv(report));
    ASSERT_EQ(rows.size(), 54u);
    for (const auto& r : rows) EXPECT_EQ(r.target, "cpu");

    // A target with only its total.
    targets["cpu"].as_object().erase("by_module_category");
    targets["cpu"].as_object().erase("by_module");
    targets["cpu"].as_object().erase("by_category");
    rows = rows_of(report_csv(report));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].module, "all");
    EXPECT_EQ(rows[0].category, "all");
    EXPECT_EQ(rows[0].cycles, "497878600");

    // No targets at all: just the header.
    targets.clear();
    EXPECT_EQ(report_csv(report), "target,module,category,cycles\n");
}

TEST(ReportCsv, MalformedReportsNameTheField) {
    auto expect_error = [](const json::object& report, const std::string& needle) {
        try {
            report_csv(report);
            ADD_FAILURE() << "expected an error naming " << needle;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    expect_error(json::object{}, "'targets'");
    auto r = sample();
    r["targets"].as_object()["cpu"].as_object().erase("total_cycles");
    expect_error(r, "targets.cpu.total_cycles");
    r = sample();
    r["targets"].as_object()["systolic"].as_object()["by_module"].as_object()["ffn"] = "lots";
    expect_error(r, "targets.systolic.by_module.ffn");
    r = sample();
    r["targets"].as_object()["edgebert"].as_object()["by_module_category"].as_object()["attention"].as_object()["read"] = -5;
    expect_error(r, "targets.edgebert.by_module_category.attention.read");
    r = sample();
    r["targets"].as_object()["edgebert"].as_object()["by_category"] = json::array{};
    expect_error(r, "targets.edgebert.by_category");
}

TEST(ReportCsv, NumbersAndNamesAreWrittenFaithfully) {
    json::object t;
    t["total_cycles"] = 1.5e6;  // an integral double prints as an integer
    t["by_module"] = json::object{{"ffn", 2.25}, {"odd, \"name\"", 3}};
    json::object report;
    report["targets"] = json::object{{"edgebert", t}};
    EXPECT_EQ(report_csv(report),
              "target,module,category,cycles\n"
              "edgebert,ffn,all,2.25\n"
              "edgebert,\"odd, \"\"name\"\"\",all,3\n"
              "edgebert,all,all,1500000\n");
}

TEST(ReportCsv, WritesTheFileAtomically) {
    const std::string path = temp_path("ok.csv");
    write_report_csv(path, sample());
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_EQ(ss.str(), report_csv(sample()));
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    std::filesystem::remove(path);
}

TEST(ReportCsv, UnwritablePathIsAnErrorNamingIt) {
    const std::string missing_dir = "/nonexistent-edgebert-dir/report.csv";
    try {
        write_report_csv(missing_dir, sample());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(missing_dir), std::string::npos) << e.what();
    }
    // A directory in the way of the file.
    const std::string dir = temp_path("dir.csv");
    std::filesystem::create_directories(dir);
    try {
        write_report_csv(dir, sample());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(dir), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(dir + ".tmp"));
    std::filesystem::remove_all(dir);
    // A malformed report fails before any file is created.
    const std::string never = temp_path("never.csv");
    EXPECT_THROW(write_report_csv(never, json::object{}), Error);
    EXPECT_FALSE(std::filesystem::exists(never));
}

}  // namespace
}  // namespace edgebert::cli
