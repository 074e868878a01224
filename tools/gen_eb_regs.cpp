// Build-time generator of the runtime's register header (eb_edgebert_regs.h)
// from the single register table in hw/edgebert/register_map.cpp.
#include <fstream>
#include <iostream>

#include "hw/edgebert/register_map.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: gen_eb_regs <output.h>\n";
        return 2;
    }
    std::ofstream out(argv[1], std::ios::trunc);
    out << edgebert::hw::regs::register_map_c_header();
    return out ? 0 : 1;
}
