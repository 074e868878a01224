// The sweep's pieces without running a point: --set parsing, grid enumeration and
// point ids, dotted config overrides, the checks that stop a bad spec before any
// point runs, the published point, and merging reports of every status.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/json_writer.hpp"
#include "embedded_configs.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_results.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace edgebert::sweep {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

const std::string kTiny = std::string(EDGEBERT_SOURCE_DIR) + "/configs/models/albert-tiny-test.json";

json::value base_soc() { return parse_json_text(cli::kDefaultSocJson, cli::kDefaultSocOrigin); }

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

SweepPlan grid_plan(const std::vector<std::string>& sets, json::object fixed = {}) {
    std::vector<std::pair<std::string, json::array>> axes;
    for (const auto& s : sets) axes.push_back(parse_set(s));
    fixed["model"] = kTiny;
    return make_plan(nullptr, "", axes, fixed);
}

TEST(SweepSet, ValuesAreJsonLiteralsOrWords) {
    auto [key, v] = parse_set("edgebert.num_vmacs=8,16,32");
    EXPECT_EQ(key, "edgebert.num_vmacs");
    EXPECT_EQ(json::serialize(v), "[8,16,32]");
    EXPECT_EQ(json::serialize(parse_set("edgebert.checks=strict,silicon").second), R"(["strict","silicon"])");
    EXPECT_EQ(json::serialize(parse_set("edgebert.sfu_lut=true,false").second), "[true,false]");
    EXPECT_EQ(json::serialize(parse_set(R"(targets="edgebert,cpu","cpu")").second), R"(["edgebert,cpu","cpu"])");
    EXPECT_EQ(parse_set("seq-len=16").first, "seq_len");
    EXPECT_THROW(parse_set("edgebert.lanes"), UsageError);
    EXPECT_THROW(parse_set("=8"), UsageError);
    EXPECT_THROW(parse_set("edgebert.lanes=8,,16"), UsageError);
    EXPECT_NE(error_of([] { parse_set("edgebert.lanes="); }).find("no values (an empty grid)"), std::string::npos);
}

TEST(SweepPlan, GridEnumeratesLastKeyFastestWithStableIds) {
    const auto plan = grid_plan({"edgebert.num_vmacs=8,16,32", "edgebert.act_total_bits=6,8"});
    ASSERT_EQ(plan.points.size(), 6u);
    EXPECT_EQ(plan.points[0].id, "p0000");
    EXPECT_EQ(plan.points[5].id, "p0005");
    EXPECT_EQ(json::serialize(plan.points[1].values), R"({"edgebert.num_vmacs":8,"edgebert.act_total_bits":8})");
    EXPECT_EQ(json::serialize(plan.points[4].values), R"({"edgebert.num_vmacs":32,"edgebert.act_total_bits":6})");
    EXPECT_NE(error_of([] { grid_plan({"edgebert.lanes=8", "edgebert.lanes=16"}); }).find("swept twice"),
              std::string::npos);
    EXPECT_NE(error_of([] { grid_plan({"layers=1,2"}, {{"layers", 1}}); }).find("both swept and fixed"),
              std::string::npos);
}

TEST(SweepPlan, ExplicitPointsMustSetTheSameKeys) {
    const json::value ok = json::parse(R"({"points": [{"prune": 0.5, "seq_len": 16}, {"seq_len": 32, "prune": 0.9}]})");
    const auto plan = make_plan(&ok, "spec.json", {}, {});
    ASSERT_EQ(plan.points.size(), 2u);
    EXPECT_EQ(json::serialize(plan.points[1].values), R"({"prune":9E-1,"seq_len":32})");
    const json::value bad = json::parse(R"({"points": [{"prune": 0.5}, {"seq_len": 32}]})");
    EXPECT_NE(error_of([&] { make_plan(&bad, "spec.json", {}, {}); }).find("points[1] sets seq_len, points[0] sets prune"),
              std::string::npos);
    const json::value both = json::parse(R"({"grid": {"prune": [0.5]}, "points": [{"prune": 0.5}]})");
    EXPECT_THROW(make_plan(&both, "spec.json", {}, {}), Error);
    const json::value typo = json::parse(R"({"gird": {"prune": [0.5]}})");
    EXPECT_NE(error_of([&] { make_plan(&typo, "spec.json", {}, {}); }).find("unknown field 'gird'"), std::string::npos);
}

TEST(SweepOverride, SetsExistingAndDefaultedFieldsAndArrayElements) {
    json::value doc = base_soc();
    apply_override(doc, "edgebert.num_vmacs", 32);
    apply_override(doc, "edgebert.sfu_lut", true);       // absent from default.json: left at its default
    apply_override(doc, "edgebert.timing.ii_softmax", 2);
    apply_override(doc, "tiles.2.x", 1);
    EXPECT_EQ(doc.at("edgebert").at("num_vmacs"), 32);
    EXPECT_EQ(doc.at("edgebert").at("sfu_lut"), true);
    EXPECT_EQ(doc.at("tiles").at(2).at("x"), 1);
    EXPECT_NE(error_of([&] { apply_override(doc, "tiles.5.x", 1); }).find("'tiles' is a list of 5 entries"),
              std::string::npos);
    EXPECT_NE(error_of([&] { apply_override(doc, "edgebert.lanes.x", 1); }).find("'edgebert.lanes' is 16"),
              std::string::npos);
    EXPECT_THROW(apply_override(doc, "edgebert..lanes", 1), Error);
}

TEST(SweepCheck, BadValuesAreNamedBeforeAnyPointRuns) {
    const auto base = base_soc();
    EXPECT_EQ(check_plan(grid_plan({"edgebert.num_vmacs=8,16"}), base, "base").size(), 2u);
    const auto unknown = error_of([&] { check_plan(grid_plan({"edgebert.num_vmac=8"}), base, "base"); });
    EXPECT_NE(unknown.find("sweep: edgebert.num_vmac = 8 is refused"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("unknown field 'edgebert.num_vmac'"), std::string::npos) << unknown;
    const auto range = error_of([&] { check_plan(grid_plan({"edgebert.act_total_bits=8,99"}), base, "base"); });
    EXPECT_NE(range.find("edgebert.act_total_bits = 99 is refused"), std::string::npos) << range;
    const auto seq = error_of([&] { check_plan(grid_plan({"seq_len=16,65"}), base, "base"); });
    EXPECT_NE(seq.find("seq_len = 65 is refused: out of range [1, 64]"), std::string::npos) << seq;
    const auto target = error_of([&] { check_plan(grid_plan({"targets=edgebert,gpu"}), base, "base"); });
    EXPECT_NE(target.find("targets = gpu is refused: unknown target 'gpu'"), std::string::npos) << target;
    const auto mode = error_of([&] { check_plan(grid_plan({"prune=0.5"}, {{"mode", "fast"}}), base, "base"); });
    EXPECT_NE(mode.find("the fixed option mode = fast is refused"), std::string::npos) << mode;
}

TEST(SweepPlan, PublishedValuesAndRunArguments) {
    const auto plan = grid_plan({"edgebert.num_vmacs=8,16", "edgebert.sfu_lut=true", "prune=0.5,0.9"});
    const auto pub = published_values(plan);
    EXPECT_EQ(pub.at("edgebert.num_vmacs"), 16);
    // default.json leaves it out: the published value is the parser's default, so a
    // sweep over sfu_lut=false,true finds the published point.
    EXPECT_EQ(pub.at("edgebert.sfu_lut"), false);
    EXPECT_EQ(pub.at("prune"), 0.5);
    const auto args = point_run_args(plan, plan.points[1], "/d/points/p0001");
    const std::vector<std::string> want = {"run",     "--soc",   "/d/points/p0001/soc.json", "--model", kTiny,
                                           "--prune", "0.9",     "--json", "/d/points/p0001/report.json", "--quiet"};
    EXPECT_EQ(args, want);
    EXPECT_EQ(shell_quote("/a b/it's"), R"('/a b/it'\''s')");
    EXPECT_EQ(shell_quote("/plain/path.json"), "/plain/path.json");
}

TEST(SweepResults, EveryStatusAndMissingFiguresMerge) {
    const fs::path dir = fs::temp_directory_path() / "edgebert_test_sweep_results";
    fs::remove_all(dir);
    auto plan = grid_plan({"edgebert.num_vmacs=8,16,32,64"}, {{"targets", "edgebert,cpu"}});
    write_plan(dir.string(), plan, check_plan(plan, base_soc(), "base"), "/bin/edgebert-sim");
    // p0000 ok with every figure, p0001 failed, p0002 killed mid-run, p0003 never started.
    const json::value report = json::parse(R"({"config": {"hash": "c0ffee12"}, "accuracy": {"cosine": 0.99},
      "targets": {"cpu": {"total_cycles": 900, "energy": {"total_j": 2e-3}},
                  "edgebert": {"total_cycles": 100, "energy": {"total_j": 1e-4}, "area": {"total_mm2": 1.5},
                               "bound": {"bound_cycles": 40}}}})");
    write_json_file((dir / "points/p0000/report.json").string(), report);
    std::ofstream(dir / "points/p0001/stderr.txt") << "warning: something\nerror: lanes 64 does not fit, say\n";
    std::ofstream(dir / "points/p0001/stdout.txt");
    std::ofstream(dir / "points/p0002/stdout.txt");
    const auto c = collect(dir.string(), plan);
    EXPECT_EQ(c.count(PointStatus::Ok), 1u);
    EXPECT_EQ(c.count(PointStatus::Failed), 1u);
    EXPECT_EQ(c.count(PointStatus::Incomplete), 1u);
    EXPECT_EQ(c.count(PointStatus::NotRun), 1u);
    EXPECT_EQ(c.points[1].error, "error: lanes 64 does not fit, say");
    const auto& rows = c.results.at("rows").as_array();
    ASSERT_EQ(rows.size(), 8u);
    EXPECT_EQ(rows[0].at("target"), "edgebert");  // canonical order, whatever the report's
    EXPECT_EQ(rows[0].at("cosine"), 0.99);
    EXPECT_EQ(rows[0].at("area_mm2"), 1.5);
    EXPECT_EQ(rows[0].at("bound_cycles"), 40);
    EXPECT_EQ(rows[0].at("config_hash"), "c0ffee12");
    EXPECT_TRUE(rows[1].at("area_mm2").is_null());
    EXPECT_TRUE(rows[1].at("cosine").is_null());
    EXPECT_EQ(rows[2].at("status"), "failed");
    EXPECT_EQ(rows[4].at("status"), "incomplete");
    EXPECT_EQ(rows[7].at("status"), "not_run");
    EXPECT_EQ(c.results.at("published").at("point"), "p0001");  // num_vmacs 16
    write_results(dir.string(), c);
    std::ifstream csv(dir / "results.csv");
    std::string header, first, failed;
    std::getline(csv, header);
    std::getline(csv, first);
    std::getline(csv, failed);
    std::getline(csv, failed);
    EXPECT_EQ(header, "point,edgebert.num_vmacs,target,status,total_cycles,energy_j,area_mm2,cosine,bound_cycles,"
                      "config_hash,error");
    EXPECT_EQ(first, "p0000,8,edgebert,ok,100,0.0001,1.5,0.99,40,c0ffee12,");
    EXPECT_EQ(failed, "p0001,16,edgebert,failed,,,,,,,\"error: lanes 64 does not fit, say\"");
    // The same directory with another sweep is refused; the same sweep is resumed.
    EXPECT_NO_THROW(write_plan(dir.string(), plan, check_plan(plan, base_soc(), "base"), "/bin/edgebert-sim"));
    auto other = grid_plan({"edgebert.num_vmacs=8,16"}, {{"targets", "edgebert,cpu"}});
    EXPECT_NE(error_of([&] { write_plan(dir.string(), other, check_plan(other, base_soc(), "base"), "x"); })
                  .find("holds another sweep"),
              std::string::npos);
    const auto back = read_plan(dir.string());
    EXPECT_EQ(back.keys, plan.keys);
    EXPECT_EQ(back.points.size(), 4u);
    fs::remove_all(dir);
}

TEST(SweepSlurm, ArrayCoversEveryPoint) {
    const fs::path dir = fs::temp_directory_path() / "edgebert_test_sweep_slurm";
    fs::remove_all(dir);
    SlurmOptions o;
    o.max_running = 3;
    o.sbatch_lines = {"--partition=short"};
    const auto path = write_slurm_script(dir.string(), 12, o);
    std::ifstream f(path);
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("#SBATCH --array=0-11%3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("#SBATCH --partition=short\n"), std::string::npos);
    EXPECT_NE(text.find("$((SLURM_ARRAY_TASK_ID + 1))p"), std::string::npos);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace edgebert::sweep
