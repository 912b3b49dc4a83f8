"""Applications and links in a real browser: add, copy the tracked URL, import a CSV."""

from playwright.sync_api import Page, expect

from e2e.flows import add_application, add_link


def test_add_an_application_and_copy_its_tracked_link(signed_in: Page, server):
    signed_in.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    add_application(signed_in, server, "Acme Corp", "Backend Engineer")
    url = add_link(signed_in, "linkedin")
    expect(signed_in).to_have_url(f"{server}/applications/1/edit")  # swapped in, no reload
    copy = signed_in.get_by_role("button", name="Copy the linkedin link")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert signed_in.evaluate("navigator.clipboard.readText()") == url
    # the application's own page embeds the same links region and adds links in place
    signed_in.get_by_role("navigation", name="breadcrumb").get_by_role(
        "link", name="Acme Corp – Backend Engineer").click()
    expect(signed_in).to_have_url(f"{server}/applications/1")
    expect(signed_in.get_by_label("Tracked URL for linkedin")).to_have_value(url)
    second = add_link(signed_in, "resume")
    assert second != url
    expect(signed_in).to_have_url(f"{server}/applications/1")
    main_nav = signed_in.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Applications").click()
    row = signed_in.get_by_role("row").filter(has_text="Acme Corp")
    expect(row.locator("td[data-label=Links]")).to_have_text("2")


def test_archive_and_restore(signed_in: Page, server):
    add_application(signed_in, server, "Globex", "Data Engineer")
    signed_in.get_by_role("button", name="Archive application").click()
    expect(signed_in.get_by_role("status")).to_have_text("Archived Globex – Data Engineer.")
    expect(signed_in.get_by_role("link", name="Globex", exact=True)).to_have_count(0)
    signed_in.get_by_role("link", name="Show archived").click()
    signed_in.get_by_role("link", name="Edit Globex – Data Engineer").click()
    signed_in.get_by_role("button", name="Restore application").click()
    expect(signed_in.get_by_role("link", name="Globex", exact=True)).to_be_visible()


def test_import_a_csv_file(signed_in: Page, server, tmp_path):
    csv_file = tmp_path / "applications.csv"
    csv_file.write_text(
        "company,title,applied_on,status\n"
        "Initech,Platform Engineer,2025-10-01,applied\n"
        "Umbrella,SRE,yesterday,applied\n",
        encoding="utf-8",
    )
    signed_in.goto(f"{server}/applications")
    signed_in.get_by_role("link", name="Import CSV").click()
    signed_in.get_by_label("CSV file").set_input_files(csv_file)
    signed_in.get_by_role("button", name="Preview").click()
    expect(signed_in.get_by_role("status")).to_have_text(
        "2 rows read: 1 row ready to import, 1 row with problems that will be left out.")
    expect(signed_in.get_by_role("listitem").filter(has_text="Row 3")).to_have_text(
        "Row 3: Applied on is a date like 2025-10-22 (YYYY-MM-DD).")
    signed_in.get_by_role("button", name="Import 1 application").click()
    result = signed_in.get_by_role("status")
    expect(result).to_contain_text("Imported 1 application.")
    result.get_by_role("link", name="See your applications").click()
    expect(signed_in.get_by_role("link", name="Initech", exact=True)).to_be_visible()
