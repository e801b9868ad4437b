// The viewer page (traces/view/page.html: its CSS and JavaScript), compiled into railyard by
// CMake (traces/view/page_template.cpp.in) so that `railyard view` needs no file beside it and
// the page needs no network. The trace's data replaces the marker below.
#pragma once

#include <string_view>

namespace ry::view {

extern const std::string_view page_template;
// Where the page's data goes: the template holds this text exactly once.
inline constexpr std::string_view data_marker = "/*RAILYARD_DATA*/null";

}  // namespace ry::view
