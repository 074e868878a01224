# Checks the figures `edgebert-sim plot` writes. Run with -DSIM= -DREPORT= -DOUT= -DPYTHON=:
# the PNGs of cli.plot_png (in OUT/png) start with the PNG signature; SVG output parses
# as XML and is byte-identical across two runs; PDF output starts with "%PDF-".
foreach(v SIM REPORT OUT PYTHON)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_plot.cmake: -D${v}= is required")
  endif()
endforeach()

function(plot dir)
  file(REMOVE_RECURSE ${OUT}/${dir})
  execute_process(COMMAND ${SIM} plot ${REPORT} --out ${OUT}/${dir} ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "plot ${ARGN} failed (${rc}):\n${out}${err}")
  endif()
endfunction()

plot(svg1 --format svg)
plot(svg2 --format svg)
plot(pdf --format pdf)

file(GLOB pngs ${OUT}/png/*.png)
file(GLOB svgs ${OUT}/svg1/*.svg)
file(GLOB pdfs ${OUT}/pdf/*.pdf)
foreach(list pngs svgs pdfs)
  list(LENGTH ${list} n)
  if(NOT n EQUAL 4)
    message(FATAL_ERROR "expected 4 ${list} figures, found ${n}: ${${list}}")
  endif()
endforeach()

foreach(svg ${svgs})
  get_filename_component(name ${svg} NAME)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${svg} ${OUT}/svg2/${name} RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${name} differs between two runs: the output is not deterministic")
  endif()
endforeach()

set(check [=[
import sys
import xml.etree.ElementTree as ET
bad = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        head = f.read(8)
    if path.endswith(".png") and head != b"\x89PNG\r\n\x1a\n":
        bad.append(f"{path}: no PNG signature")
    elif path.endswith(".pdf") and not head.startswith(b"%PDF-"):
        bad.append(f"{path}: no PDF header")
    elif path.endswith(".svg"):
        try:
            root = ET.parse(path).getroot()
            if not root.tag.endswith("svg"):
                bad.append(f"{path}: root element is {root.tag}, not svg")
        except ET.ParseError as e:
            bad.append(f"{path}: not XML: {e}")
print("\n".join(bad) if bad else f"checked {len(sys.argv) - 1} figures")
sys.exit(1 if bad else 0)
]=])
execute_process(COMMAND ${PYTHON} -c "${check}" ${pngs} ${svgs} ${pdfs}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "figure check failed:\n${out}${err}")
endif()
message(STATUS "${out}")
