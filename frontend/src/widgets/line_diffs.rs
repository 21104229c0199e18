//! Lines whose final target moved — before, after and by how much — as a
//! revision diff or a calibration's answer gives them (`LineDiff`).

use cascade_api_types::LineDiff;
use cascade_core::Money;
use leptos::prelude::*;

use crate::i18n::tr;
use crate::{catalogue, display};

/// The table; `testid` names it, and its rows and cells after it
/// (`{testid}-row`, `{testid}-from`, `{testid}-to`, `{testid}-delta`).
pub fn line_diff_table(lines: Vec<LineDiff>, testid: &'static str) -> impl IntoView {
    let cell = |m: Option<Money>| m.map_or_else(|| display::MISSING.to_owned(), |m| display::yuan(m.fen()));
    let rows = lines
        .into_iter()
        .map(|l| {
            view! {
                <tr data-testid=format!("{testid}-row") data-line-id=l.line_id>
                    <th scope="row" data-label=tr(catalogue::UNIT)>{l.name}</th>
                    <td class="num" data-label=tr(catalogue::BEFORE) data-testid=format!("{testid}-from")>{cell(l.from_final)}</td>
                    <td class="num" data-label=tr(catalogue::AFTER) data-testid=format!("{testid}-to")>{cell(l.to_final)}</td>
                    <td class="num" data-label=tr(catalogue::DELTA) data-testid=format!("{testid}-delta")>{display::yuan(l.delta.fen())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::UNIT)}</th>
                        <th scope="col" class="num">{tr(catalogue::BEFORE)}</th>
                        <th scope="col" class="num">{tr(catalogue::AFTER)}</th>
                        <th scope="col" class="num">{tr(catalogue::DELTA)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
