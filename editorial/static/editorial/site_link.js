// "Link to an item of this site" in the rich-text editor: a search of the site's news,
// programmes, countries, offices, pages and publications in a pop-up (/admin/link-picker/).
// The chosen item's address becomes the link; the server stores it as a reference to the item.
import { Extension } from "django-prose-editor/editor";

const waiting = new Map();
let counter = 0;

window.rocaSiteLinkChosen = (key, address, title) => {
    const insert = waiting.get(String(key));
    waiting.delete(String(key));
    if (insert) insert(address, title);
};

export const SiteLink = Extension.create({
    name: "siteLink",
    addOptions: () => ({ pickerUrl: null }),
    addMenuItems({ menu, buttons }) {
        const pickerUrl = this.options.pickerUrl;
        menu.defineItem({
            name: "siteLink",
            groups: "link",
            button: buttons.material("travel_explore", "Link to an item of this site"),
            enabled: () => Boolean(pickerUrl),
            command(editor) {
                const { from, to, empty } = editor.state.selection;
                const key = String(++counter);
                waiting.set(key, (address, title) => {
                    const chain = editor.chain().focus().setTextSelection({ from, to });
                    if (empty) {
                        chain.insertContent({
                            type: "text",
                            text: title,
                            marks: [{ type: "link", attrs: { href: address } }],
                        }).run();
                    } else {
                        chain.setMark("link", { href: address }).run();
                    }
                });
                const words = empty ? "" : editor.state.doc.textBetween(from, to, " ");
                const query = new URLSearchParams({ key, q: words });
                window.open(`${pickerUrl}?${query}`, "site-link-picker", "width=800,height=640");
            },
        });
    },
});
