from django.shortcuts import render

from search.queries import clean_query, search_site


def results(request):
    query = clean_query(request.GET.get("q", ""))
    search = search_site(query, request.GET.get("page"))
    context = {
        "query": query,
        "results": search.page.object_list,
        "page_obj": search.page,
        "news_limit": search.news_limit,
    }
    return render(request, "search/results.html", context)
